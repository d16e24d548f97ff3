from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    """Per-entity double-entry ledger, and the outbox that feeds the group's consolidation."""

    name = "tenants.ledger"
    label = "ledger"
    verbose_name = _("Ledger")
