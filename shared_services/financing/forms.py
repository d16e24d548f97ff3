from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AdvanceRequestForm(forms.Form):
    grant = forms.ChoiceField(label=_("Funding agreement"), choices=[])
    amount = forms.DecimalField(label=_("Amount"), max_digits=18, decimal_places=2)

    def __init__(self, *args: object, grants: list[tuple[str, str]] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["grant"].choices = grants or []  # type: ignore[attr-defined]


class LoanRequestForm(forms.Form):
    activity = forms.ChoiceField(label=_("Activity"), choices=[])
    purpose = forms.CharField(label=_("Equipment"), max_length=300)
    principal = forms.DecimalField(label=_("Amount"), max_digits=18, decimal_places=2)
    annual_rate = forms.DecimalField(label=_("Annual interest rate (%)"), max_digits=5, decimal_places=2, initial=0)
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=120)
    first_due_on = forms.DateField(label=_("First instalment on"))

    def __init__(self, *args: object, activities: list[tuple[str, str]] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["activity"].choices = activities or []  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Approve and pay out")), ("no", _("Decline"))],
    )
