from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Partner, SharedField


class ReferralForm(forms.Form):
    member = forms.ChoiceField(label=_("Member"), choices=[])
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.filter(active=True))
    project = forms.CharField(label=_("Project"), widget=forms.Textarea)
    consent_fields = forms.MultipleChoiceField(
        label=_("Data the member agrees to share"),
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent_given = forms.BooleanField(
        label=_("The member has given their explicit consent to this referral and to sharing these data"),
        required=False,
    )

    def __init__(self, *args: object, members: list[tuple[str, str]] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["member"].choices = members or []  # type: ignore[attr-defined]
