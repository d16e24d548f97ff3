"""Pages of the governance team on the group domain: the share register, the assemblies (with votes
recorded on behalf of cooperators, identified by their group person id) and the board check; and the
one page a cooperator opens without signing in: their personal voting link (``remote_vote``), where
the token in the address is the credential."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.errors import PlatformError
from tenants.web import refuse

from . import errors, selectors, services
from .access import governance_team_required
from .forms import (
    ActionForm,
    ActionStatusForm,
    AgendaItemForm,
    AssemblyForm,
    AttendanceForm,
    CandidateForm,
    CandidateListForm,
    CollegeWeightForm,
    CooperatorAdmitForm,
    EventForm,
    OpinionForm,
    ProxyForm,
    PurchaseForm,
    RecommendationForm,
    RedeemForm,
    ReferralForm,
    SessionForm,
    TransferForm,
    VoteForm,
)
from .models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Assembly,
    BoardSeat,
    CandidateList,
    Choice,
    Cooperator,
    EthicsReferral,
    EventKind,
    Participation,
    ParticipationEvent,
    Proxy,
    Recommendation,
    ResolutionResult,
    RollEntry,
    ShareTransaction,
    StakeholderCategory,
)


def _by(request: HttpRequest) -> str:
    return request.user.get_username()


def _cooperator(person_id: uuid.UUID, field: str) -> Cooperator:
    cooperator = Cooperator.objects.filter(person_id=person_id).first()
    if cooperator is None:
        raise errors.catalog.error(errors.UNKNOWN_PERSON, field=field, status=404)
    return cooperator


def _submit(request: HttpRequest, form: forms.Form, action: Callable[[dict[str, Any]], Any], done: str) -> int | None:
    """Run ``action`` on a valid form: None when it succeeded (a message is queued), else the status
    of the page that shows the refusal on the form."""
    if not form.is_valid():
        return 400
    try:
        action(form.cleaned_data)
    except PlatformError as error:
        return refuse(form, error)
    messages.success(request, done)
    return None


# --- Register ---------------------------------------------------------------------------------------


@governance_team_required
@require_safe
def register_home(request: HttpRequest) -> HttpResponse:
    context = {
        "rows": selectors.register(),
        "by_category": [
            (StakeholderCategory(category).label, currency, amount)
            for (category, currency), amount in selectors.capital_totals(by="category").items()
        ],
        "by_entity": [
            (slug, currency, amount) for (slug, currency), amount in selectors.capital_totals(by="entity").items()
        ],
        "total": selectors.capital_total(),
        "nominal": selectors.nominal_in_force(timezone.localdate()),
    }
    return render(request, "governance/register.html", context)


@governance_team_required
@require_http_methods(["GET", "POST"])
def cooperator_admit(request: HttpRequest) -> HttpResponse:
    form = CooperatorAdmitForm(request.POST or None, initial={"on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        created: list[Cooperator] = []

        def admit(data: dict[str, Any]) -> None:
            created.append(
                services.cooperator_admit(
                    person_id=data["person_id"],
                    kind=data["kind"],
                    display_name=data["display_name"],
                    language=data["language"],
                    gender=data["gender"],
                    category=data["category"],
                    email=data["email"],
                    entity=data["entity"],
                    on=data["on"],
                    shares=data["shares"],
                    by=_by(request),
                    request_key=str(data["request_key"]),
                )
            )

        result = _submit(request, form, admit, _("Cooperator entered in the register."))
        if result is None:
            return redirect("governance_cooperator", cooperator_id=created[0].public_id)
        status = result
    return render(request, "governance/cooperator_admit.html", {"form": form}, status=status)


def _cooperator_page(
    request: HttpRequest, cooperator: Cooperator, status: int = 200, **forms_: forms.Form
) -> HttpResponse:
    today = timezone.localdate()
    context: dict[str, Any] = {
        "cooperator": cooperator,
        "holdings": selectors.holdings_of(cooperator=cooperator),
        "transactions": ShareTransaction.objects.filter(
            Q(from_cooperator=cooperator) | Q(to_cooperator=cooperator)
        ).select_related("share_class", "from_cooperator", "to_cooperator"),
        "purchase_form": PurchaseForm(initial={"on": today}),
        "transfer_form": TransferForm(initial={"on": today}),
        "redeem_form": RedeemForm(initial={"on": today}),
    }
    context.update(forms_)
    return render(request, "governance/cooperator.html", context, status=status)


@governance_team_required
@require_safe
def cooperator_detail(request: HttpRequest, cooperator_id: uuid.UUID) -> HttpResponse:
    return _cooperator_page(request, get_object_or_404(Cooperator, public_id=cooperator_id))


@governance_team_required
@require_POST
def cooperator_shares(request: HttpRequest, cooperator_id: uuid.UUID, action: str) -> HttpResponse:
    if action not in ("purchase", "transfer", "redeem"):
        raise Http404
    cooperator = get_object_or_404(Cooperator, public_id=cooperator_id)
    by = _by(request)
    form: forms.Form
    run: Callable[[dict[str, Any]], Any]
    if action == "purchase":
        form = PurchaseForm(request.POST)

        def run(d: dict[str, Any]) -> Any:
            return services.shares_purchase(
                cooperator=cooperator, count=d["count"], on=d["on"], by=by, request_key=str(d["request_key"])
            )

    elif action == "transfer":
        form = TransferForm(request.POST)

        def run(d: dict[str, Any]) -> Any:
            return services.shares_transfer(
                from_cooperator=cooperator,
                to_cooperator=_cooperator(d["to_person_id"], "to_person_id"),
                share_class=d["share_class"],
                count=d["count"],
                on=d["on"],
                by=by,
                request_key=str(d["request_key"]),
            )

    else:
        form = RedeemForm(request.POST)

        def run(d: dict[str, Any]) -> Any:
            return services.shares_redeem(
                cooperator=cooperator,
                share_class=d["share_class"],
                count=d["count"],
                on=d["on"],
                by=by,
                request_key=str(d["request_key"]),
            )

    status = _submit(request, form, run, _("Recorded."))
    if status is None:
        return redirect("governance_cooperator", cooperator_id=cooperator.public_id)
    return _cooperator_page(request, cooperator, status, **{f"{action}_form": form})


@governance_team_required
@require_safe
def cooperator_certificate(request: HttpRequest, cooperator_id: uuid.UUID) -> HttpResponse:
    cooperator = get_object_or_404(Cooperator, public_id=cooperator_id)
    pdf = services.share_certificate_pdf(cooperator=cooperator, on=timezone.localdate())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="share-certificate-{cooperator.public_id}.pdf"'
    return response


# --- Assemblies -------------------------------------------------------------------------------------


@governance_team_required
@require_http_methods(["GET", "POST"])
def assembly_list(request: HttpRequest) -> HttpResponse:
    form = AssemblyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        created: list[Assembly] = []
        result = _submit(
            request, form, lambda d: created.append(services.assembly_create(by=_by(request), **d)), _("Created.")
        )
        if result is None:
            return redirect("governance_assembly", assembly_id=created[0].public_id)
        status = result
    context = {"assemblies": Assembly.objects.all(), "form": form}
    return render(request, "governance/assembly_list.html", context, status=status)


def _assembly_page(request: HttpRequest, assembly: Assembly, status: int = 200, **forms_: forms.Form) -> HttpResponse:
    items = list(assembly.items.select_related("resolution_type"))
    results = {r.item_id: r for r in ResolutionResult.objects.filter(item__assembly=assembly)}
    participation = {
        item.pk: Participation.objects.filter(item=item).count() for item in items if item.resolution_type_id
    }
    context: dict[str, Any] = {
        "assembly": assembly,
        "remote_not_open_yet": assembly.remote_opens_at > timezone.now(),
        "voting_links": selectors.voting_links_status(assembly=assembly),
        "sessions": assembly.sessions.all(),
        "items": [(item, results.get(item.pk), participation.get(item.pk)) for item in items],
        "weights": assembly.college_weights.all(),
        "roll_count": RollEntry.objects.filter(assembly=assembly).count(),
        "proxies": Proxy.objects.filter(assembly=assembly).select_related("grantor", "holder"),
        "session_form": SessionForm(),
        "item_form": AgendaItemForm(),
        "weight_form": CollegeWeightForm(),
        "proxy_form": ProxyForm(),
        "vote_form": VoteForm(),
    }
    context.update(forms_)
    return render(request, "governance/assembly.html", context, status=status)


@governance_team_required
@require_safe
def assembly_detail(request: HttpRequest, assembly_id: uuid.UUID) -> HttpResponse:
    return _assembly_page(request, get_object_or_404(Assembly, public_id=assembly_id))


@governance_team_required
@require_POST
def assembly_action(request: HttpRequest, assembly_id: uuid.UUID, action: str) -> HttpResponse:
    assembly = get_object_or_404(Assembly, public_id=assembly_id)
    by = _by(request)
    forms_by_action: dict[str, tuple[type[forms.Form], Callable[[dict[str, Any]], Any]]] = {
        "session": (SessionForm, lambda d: services.assembly_session_add(assembly=assembly, **d)),
        "item": (AgendaItemForm, lambda d: services.agenda_item_add(assembly=assembly, **d)),
        "weight": (CollegeWeightForm, lambda d: services.college_weight_set(assembly=assembly, **d)),
        "proxy": (
            ProxyForm,
            lambda d: services.proxy_give(
                assembly=assembly,
                grantor=_cooperator(d["grantor_person_id"], "grantor_person_id"),
                holder=_cooperator(d["holder_person_id"], "holder_person_id"),
                by=by,
            ),
        ),
        "convene": (forms.Form, lambda d: services.assembly_convene(assembly=assembly, by=by)),
        "close": (forms.Form, lambda d: services.assembly_close(assembly=assembly, by=by)),
        "remote_open": (forms.Form, lambda d: services.assembly_remote_open(assembly=assembly)),
    }
    if action not in forms_by_action:
        raise Http404
    form_class, run = forms_by_action[action]
    form = form_class(request.POST)
    status = _submit(request, form, run, _("Recorded."))
    if status is None:
        return redirect("governance_assembly", assembly_id=assembly.public_id)
    if action in ("convene", "close", "remote_open"):
        messages.error(request, "; ".join(str(e) for e in form.non_field_errors()))
        return _assembly_page(request, assembly, status)
    return _assembly_page(request, assembly, status, **{f"{action}_form": form})


@governance_team_required
@require_POST
def vote_record(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    item = get_object_or_404(AgendaItem.objects.select_related("assembly"), public_id=item_id)
    form = VoteForm(request.POST)

    def run(d: dict[str, Any]) -> None:
        holder = d["proxy_holder_person_id"]
        services.vote_cast(
            item=item,
            voter=_cooperator(d["voter_person_id"], "voter_person_id"),
            choice=d["choice"],
            channel=d["channel"],
            proxy_holder=_cooperator(holder, "proxy_holder_person_id") if holder else None,
            by=_by(request),
        )

    status = _submit(request, form, run, _("The vote is recorded."))
    if status is None:
        return redirect("governance_assembly", assembly_id=item.assembly.public_id)
    return _assembly_page(request, item.assembly, status, vote_form=form, vote_item=item)  # type: ignore[arg-type]


@governance_team_required
@require_POST
def voting_link_reissue(request: HttpRequest, assembly_id: uuid.UUID, cooperator_id: uuid.UUID) -> HttpResponse:
    """Issue a voter's link again and mail it (the previous link stops working). The token is never
    shown to the team: it goes to the cooperator's address only."""
    assembly = get_object_or_404(Assembly, public_id=assembly_id)
    cooperator = get_object_or_404(Cooperator, public_id=cooperator_id)
    form = forms.Form(request.POST)
    status = _submit(
        request,
        form,
        lambda d: services.voting_link_issue(assembly=assembly, cooperator=cooperator, by=_by(request)),
        _("A new voting link is sent to %(name)s.") % {"name": cooperator.display_name},
    )
    if status is None:
        return redirect("governance_assembly", assembly_id=assembly.public_id)
    messages.error(request, "; ".join(str(e) for e in form.non_field_errors()))
    return _assembly_page(request, assembly, status)


# --- A cooperator's own remote vote -----------------------------------------------------------------


def _remote_votes(post: Any) -> list[services.RemoteVote]:
    """The votes chosen on the sheet (``vote:<item>:<voter>`` = for/against/abstain); lines left blank
    are not voted. A field that names no line of the sheet, or an unknown choice, refuses the lot."""
    votes = []
    for key, value in post.items():
        if not key.startswith("vote:") or value == "":
            continue
        try:
            _prefix, item_id, voter_id = key.split(":")
            vote = services.RemoteVote(item_id=uuid.UUID(item_id), voter_id=uuid.UUID(voter_id), choice=value)
        except ValueError:
            raise errors.catalog.error(errors.VOTING_NOT_ON_SHEET, status=403) from None
        if value not in Choice.values:
            raise errors.catalog.error(errors.BAD_CHOICE, field="choice")
        votes.append(vote)
    return votes


def _no_trace(response: HttpResponse) -> HttpResponse:
    # The token is in the address: no referrer carries it to another site, no cache keeps the page
    # (same-origin, not no-referrer: a null Origin would fail the CSRF check of the form).
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
def remote_vote(request: HttpRequest, token: str) -> HttpResponse:
    """A cooperator's personal voting page: no sign-in, the token is the credential; in the
    cooperator's language. Every refusal is a translated message with its code and writes nothing."""
    if getattr(request, "entity", None) is not None:
        raise Http404
    known = selectors.voting_link_by_token(token=token)
    language = known.cooperator.language if known is not None else translation.get_language() or "en"
    with translation.override(language):
        try:
            link = services.voting_link_resolve(token=token)
        except PlatformError as error:
            context: dict[str, Any] = {"refusal": error, "sheet": None}
            return _no_trace(render(request, "governance/remote_vote.html", context, status=error.status or 400))
        refusal: PlatformError | None = None
        if request.method == "POST":
            try:
                count = services.remote_votes_cast(token=token, votes=_remote_votes(request.POST))
            except PlatformError as error:
                refusal = error
            else:
                return _no_trace(redirect(f"{request.path}?recorded={count}"))
        context = {
            "sheet": selectors.voting_sheet(link=link),
            "refusal": refusal,
            "recorded": request.GET.get("recorded", "").isdigit() and request.method == "GET",
            "choices": Choice.choices,
        }
        status = 200 if refusal is None else (refusal.status or 400)
        return _no_trace(render(request, "governance/remote_vote.html", context, status=status))


# --- Board ------------------------------------------------------------------------------------------


def _board_page(request: HttpRequest, status: int = 200, **forms_: forms.Form) -> HttpResponse:
    today = timezone.localdate()
    lists = [
        (candidate_list, services.candidate_list_check(candidate_list=candidate_list, on=today))
        for candidate_list in CandidateList.objects.prefetch_related("candidates")
    ]
    context: dict[str, Any] = {
        "seats": BoardSeat.objects.select_related("cooperator"),
        "check": services.board_sitting_check(on=today),
        "lists": lists,
        "form": CandidateListForm(),
        "candidate_form": CandidateForm(),
    }
    context.update(forms_)
    return render(request, "governance/board.html", context, status=status)


@governance_team_required
@require_http_methods(["GET", "POST"])
def board(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _board_page(request)
    form = CandidateListForm(request.POST)
    status = _submit(request, form, lambda d: services.candidate_list_create(**d), _("Created."))
    if status is None:
        return redirect("governance_board")
    return _board_page(request, status, form=form)


@governance_team_required
@require_POST
def candidate_list_action(request: HttpRequest, list_id: uuid.UUID, action: str) -> HttpResponse:
    if action not in ("add", "remove", "finalise"):
        raise Http404
    candidate_list = get_object_or_404(CandidateList, public_id=list_id)
    form: forms.Form
    if action == "finalise":
        form = forms.Form(request.POST)
        done = _("The list is final.")

        def run(d: dict[str, Any]) -> Any:
            return services.candidate_list_finalise(candidate_list=candidate_list, on=timezone.localdate())

    else:
        form = CandidateForm(request.POST)
        done = _("Recorded.")

        def run(d: dict[str, Any]) -> Any:
            cooperator = _cooperator(d["person_id"], "person_id")
            if action == "remove":
                return services.candidate_list_remove(candidate_list=candidate_list, cooperator=cooperator)
            return services.candidate_list_add(candidate_list=candidate_list, cooperator=cooperator)

    status = _submit(request, form, run, done)
    if status is None:
        return redirect("governance_board")
    for field_errors in form.errors.values():
        for error in field_errors:
            messages.error(request, str(error))
    return _board_page(request, status)


# --- Social-purpose report --------------------------------------------------------------------------


@governance_team_required
@require_safe
def social_report(request: HttpRequest, year: int) -> HttpResponse:
    from .report import category_label, entity_service_rows, gender_label, levy_table, service_rows
    from .report import social_report as build

    report = build(year=year)
    categories = [
        (
            category_label(c),
            report.cooperators_by_category.get(c, 0),
            report.members_by_category.get(c, 0),
            report.capital_by_category.get(c, 0),
        )
        for c in StakeholderCategory.values
    ]
    countries = [
        (country, report.cooperators_by_country.get(country, 0), report.members_by_country.get(country, 0))
        for country in sorted(set(report.cooperators_by_country) | set(report.members_by_country))
    ]
    genders = [(gender_label(g), n) for g, n in sorted(report.cooperators_by_gender.items())]
    participation = [
        *[(EventKind(k).label, n) for k, n in sorted(report.events_by_kind.items())],
        (_("Attendance"), report.attendance),
        (_("Written contributions"), report.contributions),
        (_("Recommendations"), report.recommendations),
        *[
            (_("Actions: %(status)s") % {"status": ActionStatus(k).label}, n)
            for k, n in sorted(report.actions_by_status.items())
        ],
        (_("Ethics opinions published"), report.opinions_published),
    ]
    levy_header, levy_rows = levy_table(report)
    context = {
        "report": report,
        "service_totals": service_rows(report.services_total),
        "entity_services": entity_service_rows(report),
        "levy_header": levy_header,
        "levy_rows": levy_rows,
        "categories": categories,
        "countries": countries,
        "genders": genders,
        "participation": participation,
    }
    return render(request, "governance/social_report.html", context)


@governance_team_required
@require_safe
def social_report_pdf(request: HttpRequest, year: int) -> HttpResponse:
    from .report import social_report as build
    from .report import social_report_pdf as render_pdf

    pdf = render_pdf(report=build(year=year), language=translation.get_language() or "en")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="social-report-{year}.pdf"'
    return response


# --- Ethics committees and participation ------------------------------------------------------------


def _ethics_page(request: HttpRequest, status: int = 200, **forms_: forms.Form) -> HttpResponse:
    context: dict[str, Any] = {
        "referrals": EthicsReferral.objects.select_related("opinion"),
        "form": ReferralForm(initial={"received_on": timezone.localdate()}),
        "opinion_form": OpinionForm(initial={"adopted_on": timezone.localdate()}),
    }
    context.update(forms_)
    return render(request, "governance/ethics.html", context, status=status)


@governance_team_required
@require_http_methods(["GET", "POST"])
def ethics(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _ethics_page(request)
    form = ReferralForm(request.POST)
    status = _submit(request, form, lambda d: services.ethics_referral_create(by=_by(request), **d), _("Recorded."))
    return redirect("governance_ethics") if status is None else _ethics_page(request, status, form=form)


@governance_team_required
@require_POST
def ethics_action(request: HttpRequest, referral_id: uuid.UUID, action: str) -> HttpResponse:
    referral = get_object_or_404(EthicsReferral, public_id=referral_id)
    form: forms.Form
    if action == "opinion":
        form = OpinionForm(request.POST)
        status = _submit(
            request, form, lambda d: services.ethics_opinion_record(referral=referral, **d), _("Recorded.")
        )
    elif action == "publish":
        form = forms.Form(request.POST)
        status = _submit(request, form, lambda d: services.ethics_opinion_publish(referral=referral), _("Published."))
    else:
        raise Http404
    if status is None:
        return redirect("governance_ethics")
    for field_errors in form.errors.values():
        for error in field_errors:
            messages.error(request, str(error))
    return _ethics_page(request, status)


def _participation_page(request: HttpRequest, status: int = 200, **forms_: forms.Form) -> HttpResponse:
    today = timezone.localdate()
    context: dict[str, Any] = {
        "events": ParticipationEvent.objects.annotate(attendees=Count("attendance")),
        "recommendations": Recommendation.objects.prefetch_related("actions"),
        "event_form": EventForm(initial={"held_on": today}),
        "attendance_form": AttendanceForm(),
        "recommendation_form": RecommendationForm(initial={"made_on": today}),
        "action_form": ActionForm(),
        "status_form": ActionStatusForm(),
    }
    context.update(forms_)
    return render(request, "governance/participation.html", context, status=status)


@governance_team_required
@require_safe
def participation(request: HttpRequest) -> HttpResponse:
    return _participation_page(request)


@governance_team_required
@require_POST
def participation_action(request: HttpRequest, action: str, thing_id: uuid.UUID | None = None) -> HttpResponse:
    form: forms.Form
    run: Callable[[dict[str, Any]], Any]
    if action == "event":
        form = EventForm(request.POST)

        def run(d: dict[str, Any]) -> Any:
            return services.participation_event_create(**d)

    elif action == "attendance":
        event = get_object_or_404(ParticipationEvent, public_id=thing_id)
        form = AttendanceForm(request.POST)

        def run(d: dict[str, Any]) -> Any:
            return services.attendance_record(event=event, cooperator=_cooperator(d["person_id"], "person_id"))

    elif action == "recommendation":
        form = RecommendationForm(request.POST)

        def run(d: dict[str, Any]) -> Any:
            return services.recommendation_add(**d)

    elif action == "action":
        recommendation = get_object_or_404(Recommendation, public_id=thing_id)
        form = ActionForm(request.POST)

        def run(d: dict[str, Any]) -> Any:
            return services.action_add(recommendation=recommendation, **d)

    elif action == "status":
        item = get_object_or_404(ActionItem, public_id=thing_id)
        form = ActionStatusForm(request.POST)

        def run(d: dict[str, Any]) -> Any:
            return services.action_status_set(item=item, **d)

    else:
        raise Http404
    status = _submit(request, form, run, _("Recorded."))
    if status is None:
        return redirect("governance_participation")
    for field_errors in form.errors.values():
        for error in field_errors:
            messages.error(request, str(error))
    return _participation_page(request, status)
