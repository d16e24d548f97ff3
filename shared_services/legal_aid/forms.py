from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CaseArea, CaseKind, CaseOutcome, CaseStatus, PartyRole


class CaseRequestForm(forms.Form):
    members = forms.MultipleChoiceField(label=_("Members concerned"), choices=[])
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices)
    area = forms.ChoiceField(label=_("Area"), choices=CaseArea.choices)
    request = forms.CharField(label=_("What the member needs help with"), widget=forms.Textarea)

    def __init__(self, *args: object, members: list[tuple[str, str]] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["members"].choices = members or []  # type: ignore[attr-defined]


class CaseTransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=CaseStatus.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", "—"), *CaseOutcome.choices])
    outcome_note = forms.CharField(label=_("Outcome explained"), required=False, widget=forms.Textarea)


class CaseWorkForm(forms.Form):
    """One form for the legal team's additions; ``action`` says which."""

    action = forms.ChoiceField(
        widget=forms.HiddenInput,
        choices=[(a, a) for a in ("summary", "party", "deadline", "note", "document", "deadline_done")],
    )
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea)
    party_name = forms.CharField(label=_("Party"), required=False, max_length=200)
    party_role = forms.ChoiceField(label=_("Role"), required=False, choices=PartyRole.choices)
    due_on = forms.DateField(label=_("Due on"), required=False)
    description = forms.CharField(label=_("Deadline"), required=False, max_length=300)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)
    file = forms.FileField(label=_("Document"), required=False)
    deadline = forms.IntegerField(required=False, widget=forms.HiddenInput)

    # What each action needs (the other fields are ignored).
    REQUIRED = {
        "summary": ("summary",),
        "party": ("party_name", "party_role"),
        "deadline": ("due_on", "description"),
        "note": ("note",),
        "document": ("file",),
        "deadline_done": ("deadline",),
    }

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        for name in self.REQUIRED.get(str(data.get("action", "")), ()):
            value = data.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                self.add_error(name, forms.Field.default_error_messages["required"])
        return data


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *CaseStatus.choices])
    area = forms.ChoiceField(label=_("Area"), required=False, choices=[("", _("All")), *CaseArea.choices])
