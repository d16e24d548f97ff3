from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.registry.models import Entity

from .models import (
    ActionStatus,
    AssemblyKind,
    Channel,
    Choice,
    CooperatorKind,
    EventKind,
    Gender,
    Language,
    ResolutionType,
    SeizedBy,
    ShareClass,
    StakeholderCategory,
    Theme,
)


class KeyedForm(forms.Form):
    # One submission, one movement: the same form sent twice records it once.
    request_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class CooperatorAdmitForm(KeyedForm):
    person_id = forms.UUIDField(label=_("Group person id"))
    kind = forms.ChoiceField(label=_("Kind"), choices=CooperatorKind.choices)
    display_name = forms.CharField(label=_("Name"), max_length=200)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    gender = forms.ChoiceField(
        label=_("Gender (optional)"), choices=[("", _("Not recorded")), *Gender.choices], required=False
    )
    category = forms.ChoiceField(label=_("Stakeholder category"), choices=StakeholderCategory.choices)
    email = forms.EmailField(label=_("E-mail address (optional, for voting links)"), required=False)
    entity = forms.ModelChoiceField(label=_("Entity of origin"), queryset=Entity.objects.none())
    on = forms.DateField(label=_("Date"))
    shares = forms.IntegerField(label=_("Shares"), min_value=1, initial=1)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["entity"].queryset = Entity.objects.exclude(schema_name="public")  # type: ignore[attr-defined]


class PurchaseForm(KeyedForm):
    count = forms.IntegerField(label=_("Shares"), min_value=1)
    on = forms.DateField(label=_("Date"))


class TransferForm(KeyedForm):
    to_person_id = forms.UUIDField(label=_("To (group person id)"))
    share_class = forms.ModelChoiceField(label=_("Share class"), queryset=ShareClass.objects.all())
    count = forms.IntegerField(label=_("Shares"), min_value=1)
    on = forms.DateField(label=_("Date"))


class RedeemForm(KeyedForm):
    share_class = forms.ModelChoiceField(label=_("Share class"), queryset=ShareClass.objects.all())
    count = forms.IntegerField(label=_("Shares"), min_value=1)
    on = forms.DateField(label=_("Date"))


class AssemblyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AssemblyKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"))
    record_date = forms.DateField(label=_("Record date"))
    remote_opens_at = forms.DateTimeField(label=_("Remote voting opens"))
    remote_closes_at = forms.DateTimeField(label=_("Remote voting closes"))
    proxy_limit = forms.IntegerField(label=_("Proxies per person"), min_value=0, initial=1)


class SessionForm(forms.Form):
    place = forms.CharField(label=_("Place"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"))


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea, required=False)
    document_url = forms.URLField(label=_("Document (link)"), required=False, assume_scheme="https")
    resolution_type = forms.ModelChoiceField(
        label=_("Put to the vote as"),
        queryset=ResolutionType.objects.all(),
        required=False,
        empty_label=_("Information only (no vote)"),
    )


class CollegeWeightForm(forms.Form):
    category = forms.ChoiceField(label=_("College"), choices=StakeholderCategory.choices)
    weight = forms.DecimalField(label=_("Weight (%)"), min_value=0, max_value=100, decimal_places=2)


class ProxyForm(forms.Form):
    grantor_person_id = forms.UUIDField(label=_("Grantor (group person id)"))
    holder_person_id = forms.UUIDField(label=_("Holder (group person id)"))


class VoteForm(forms.Form):
    """A vote recorded by the governance team on behalf of a cooperator (remote or in session)."""

    voter_person_id = forms.UUIDField(label=_("Voter (group person id)"))
    choice = forms.ChoiceField(label=_("Vote"), choices=Choice.choices, widget=forms.RadioSelect)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    proxy_holder_person_id = forms.UUIDField(label=_("Cast by proxy holder (group person id)"), required=False)


class CandidateListForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    election_year = forms.IntegerField(label=_("Election year"), min_value=2000, max_value=2100)


class CandidateForm(forms.Form):
    person_id = forms.UUIDField(label=_("Candidate (group person id)"))


class ReferralForm(forms.Form):
    committee = forms.CharField(label=_("Committee"), max_length=120)
    seized_by = forms.ChoiceField(label=_("Seized by"), choices=SeizedBy.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    question = forms.CharField(label=_("Question"), widget=forms.Textarea)
    received_on = forms.DateField(label=_("Received on"))


class OpinionForm(forms.Form):
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea)
    recommendations = forms.CharField(label=_("Recommendations"), widget=forms.Textarea, required=False)
    adopted_on = forms.DateField(label=_("Adopted on"))


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)


class AttendanceForm(forms.Form):
    person_id = forms.UUIDField(label=_("Cooperator (group person id)"))


class RecommendationForm(forms.Form):
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices)
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea)
    made_on = forms.DateField(label=_("Date"))


class ActionForm(forms.Form):
    action = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.CharField(label=_("Owner"), max_length=150)
    due_on = forms.DateField(label=_("Due on"))


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    done_on = forms.DateField(label=_("Done on"), required=False)
