from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MovementKind, MovementStatus


class ClaimSettleForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[(MovementKind.RECOVERY, _("Recovered from the client")), (MovementKind.WRITE_OFF, _("Write off"))],
    )
    amount = forms.DecimalField(label=_("Amount"), max_digits=18, decimal_places=2, min_value=0)
    on = forms.DateField(label=_("Date"))
    # One submission, one movement: the same form sent twice records it once.
    request_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class MovementFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *MovementKind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *MovementStatus.choices])
