"""Forms of the activities pages; the writes go through ``tenants.activities.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tenants.members.forms import search_terms
from tenants.members.models import Member

from .models import Activity, ActivityRole, Stage


class ActivityFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("All stages")), *Stage.choices])

    def filter(self, activities: QuerySet[Activity]) -> QuerySet[Activity]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        for term in search_terms(data.get("q", "")):
            activities = activities.filter(Q(name__icontains=term) | Q(description__icontains=term))
        if data.get("stage"):
            activities = activities.filter(stage=data["stage"])
        return activities


class MemberChoiceField(forms.ModelChoiceField):
    """A member of this entity, chosen by public id (a foreign id is simply not a valid choice)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Member.objects.all())
        kwargs.setdefault("label", _("Member"))
        super().__init__(to_field_name="public_id", **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class ActivityChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Activity.objects.all())
        kwargs.setdefault("label", _("Activity"))
        super().__init__(to_field_name="public_id", **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.currency})"


def currency_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in settings.CURRENCIES]


class ActivityCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    currency = forms.ChoiceField(label=_("Currency"), choices=currency_choices)
    holder = MemberChoiceField(label=_("Holder"))
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices, initial=Stage.IDEA)


class StageChangeForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("New stage"), choices=Stage.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to go back to an earlier stage."),
    )


class AddMemberForm(forms.Form):
    member = MemberChoiceField()
    role = forms.ChoiceField(label=_("Role"), choices=ActivityRole.choices, initial=ActivityRole.CONTRIBUTOR)

    def __init__(self, *args: Any, activity: Activity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Member.objects.exclude(memberships__activity=activity)
