"""Retention as data, and the record of every erasure.

``RetentionRule``: how long a kind of record must be kept in a country (accounting books, payroll,
the share register, votes, insurance files, legal cases, proof of consent), with its legal basis. The
group's data protection officer maintains them in the group admin; the figures loaded by the
migration are the statutory minima commonly cited for each country and must be confirmed by them.

``Erasure``: one run of ``privacy.erasure.erase_person``: who asked, why, what was pseudonymised and
what had to be kept (table, row, until when). It holds the person's group-wide id (a random UUID, the
key of their request) and never a name or a contact detail."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

ANY_COUNTRY = "*"


class RetentionCategory(models.TextChoices):
    ACCOUNTING = "accounting", _("Accounting books and documents")
    PAYROLL = "payroll", _("Payroll and social documents")
    SHARE_REGISTER = "share_register", _("Register of cooperators")
    VOTES = "votes", _("Minutes, attendance and votes of assemblies")
    INSURANCE = "insurance", _("Insurance covers and claims")
    LEGAL_CASE = "legal_case", _("Legal-aid case files")
    CONSENT = "consent", _("Proof of consent")


class RetentionRule(models.Model):
    country = models.CharField(
        _("country"), max_length=2, help_text=_("ISO code of the entity's country, or * for every other country")
    )
    category = models.CharField(_("kind of record"), max_length=20, choices=RetentionCategory.choices)
    years = models.PositiveSmallIntegerField(
        _("years"),
        null=True,
        blank=True,
        help_text=_("Counted from the end of the year of the record's date. Empty: kept as long as the cooperative."),
    )
    basis = models.CharField(_("legal basis"), max_length=300)

    class Meta:
        ordering = ["country", "category"]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [models.UniqueConstraint(fields=["country", "category"], name="privacy_one_rule_per_country")]

    def __str__(self) -> str:
        return f"{self.country} {self.category}"

    def until(self, since: datetime.date | None) -> datetime.date | None:
        """The last day the record must be kept (None: no end known yet, or kept for good)."""
        if self.years is None or since is None:
            return None
        return datetime.date(since.year + self.years, 12, 31)


class ErasureStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")


class Erasure(models.Model):
    person_id = models.UUIDField(_("group person id"), db_index=True)
    requested_by = models.CharField(_("requested by"), max_length=150)
    reason = models.CharField(_("reason"), max_length=300)
    pseudonym = models.CharField(_("pseudonym"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=ErasureStatus.choices, default=ErasureStatus.RUNNING)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The first day a retained record may be erased; the daily sweep runs the erasure again then.
    next_review = models.DateField(_("next review"), null=True, blank=True, db_index=True)
    follow_up_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("follow-up of"),
    )
    # {"changed": {label: rows}, "retained": [{schema, table, pk, category, until}], "files_deleted": n,
    #  "scan": {...}}
    summary = models.JSONField(_("summary"), default=dict)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self) -> str:
        return f"{self.pseudonym} ({self.get_status_display()})"
