from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ClaimStatus, Coverage


class ClaimReportForm(forms.Form):
    coverage = forms.ModelChoiceField(label=_("Cover"), queryset=Coverage.objects.none())
    occurred_on = forms.DateField(label=_("Occurred on"))
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea)
    amount = forms.DecimalField(label=_("Amount claimed"), max_digits=18, decimal_places=2)

    def __init__(self, *args: object, coverages: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["coverage"].queryset = coverages  # type: ignore[attr-defined]
        self.fields["coverage"].label_from_instance = lambda c: (  # type: ignore[attr-defined]
            f"{c.member_name} · {c.activity_name} · {c.policy.get_kind_display()} · {c.starts_on} - {c.ends_on}"
        )


class ClaimDocumentForm(forms.Form):
    file = forms.FileField(label=_("Document"))


class ClaimTransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=ClaimStatus.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ClaimFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *ClaimStatus.choices])
    q = forms.CharField(label=_("Member"), required=False)
