"""Staff pages of the activities: list, creation, and the activity's dashboard with its forms."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.errors import PlatformError
from tenants.ledger.money import round_amount
from tenants.ledger.selectors import activity_balances, activity_levy_paid
from tenants.registry.models import LevyPolicy
from tenants.registry.selectors import levy_policy_for
from tenants.web import refuse

from . import services
from .forms import ActivityCreateForm, ActivityFilterForm, AddMemberForm, StageChangeForm
from .models import Activity

PAGE_SIZE = 25


@dataclass(frozen=True)
class LevyShare:
    purpose: str
    label: str
    share: Decimal  # % of the levy
    amount: Decimal


@dataclass(frozen=True)
class LevySplit:
    currency: str
    paid: Decimal
    shares: list[LevyShare]


def levy_split(activity: Activity, *, country: str, on: datetime.date) -> tuple[LevyPolicy | None, list[LevySplit]]:
    """Where the single percentage the activity paid goes: the levy it paid per currency, split by the
    shares of the group policy in force for the entity's country on ``on``."""
    paid = activity_levy_paid(activity.pk)
    try:
        policy = levy_policy_for(country=country, on=on)
    except LookupError:
        return None, []
    allocations = list(policy.allocations.all())
    splits = [
        LevySplit(
            currency=currency,
            paid=amount,
            shares=[
                LevyShare(
                    purpose=allocation.purpose,
                    label=str(allocation.get_purpose_display()),
                    share=allocation.share,
                    amount=round_amount(amount * allocation.share / Decimal(100), currency),
                )
                for allocation in allocations
            ],
        )
        for currency, amount in paid.items()
    ]
    return policy, splits


@login_required
@require_safe
def activity_list(request: HttpRequest) -> HttpResponse:
    form = ActivityFilterForm(request.GET)
    page = Paginator(form.filter(Activity.objects.all()), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(activity, activity_balances(activity.pk)) for activity in page]
    return render(request, "activities/activity_list.html", {"filter_form": form, "page_obj": page, "rows": rows})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    entity = getattr(request, "entity", None)
    status = 200
    if request.method == "POST":
        form = ActivityCreateForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                activity = services.activity_create(
                    name=data["name"],
                    description=data["description"],
                    currency=data["currency"],
                    holder=data["holder"],
                    stage=data["stage"],
                    on=timezone.localdate(),
                    by=request.user.get_username(),
                )
            except PlatformError as error:
                status = refuse(form, error)
            else:
                messages.success(request, _("The activity %(name)s was created.") % {"name": activity.name})
                return redirect("activity_detail", activity_id=activity.public_id)
    else:
        form = ActivityCreateForm(initial={"currency": getattr(entity, "currency", "")})
    return render(request, "activities/activity_form.html", {"form": form}, status=status)


def _dashboard(
    request: HttpRequest,
    activity: Activity,
    *,
    stage_form: StageChangeForm | None = None,
    member_form: AddMemberForm | None = None,
    status: int = 200,
) -> HttpResponse:
    entity = getattr(request, "entity", None)
    today = timezone.localdate()
    policy, splits = levy_split(activity, country=getattr(entity, "country", ""), on=today)
    context: dict[str, Any] = {
        "activity": activity,
        "balances": activity_balances(activity.pk) or {activity.currency: round_amount(Decimal(0), activity.currency)},
        "stage_history": activity.stage_history.all(),
        "memberships": activity.memberships.select_related("member").order_by("role", "member__last_name"),
        "invoices": activity.invoices.all(),
        "contracts": activity.contracts.select_related("member"),
        "expenses": activity.expenses.select_related("member"),
        "budget_lines": activity.budget_lines.all(),
        "levy_policy": policy,
        "levy_splits": splits,
        "today": today,
        "stage_form": stage_form or StageChangeForm(initial={"to_stage": activity.stage}),
        "member_form": member_form or AddMemberForm(activity=activity),
    }
    return render(request, "activities/activity_detail.html", context, status=status)


@login_required
@require_safe
def activity_detail(request: HttpRequest, activity_id: uuid.UUID) -> HttpResponse:
    return _dashboard(request, get_object_or_404(Activity, public_id=activity_id))


@login_required
@require_POST
def activity_stage_change(request: HttpRequest, activity_id: uuid.UUID) -> HttpResponse:
    activity = get_object_or_404(Activity, public_id=activity_id)
    form = StageChangeForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            activity = services.activity_change_stage(
                activity=activity,
                to_stage=form.cleaned_data["to_stage"],
                reason=form.cleaned_data["reason"],
                on=timezone.localdate(),
                by=request.user.get_username(),
            )
        except PlatformError as error:
            status = refuse(form, error, aliases={"stage": "to_stage"})
        else:
            messages.success(
                request, _("The activity is now at stage %(stage)s.") % {"stage": activity.get_stage_display()}
            )
            return redirect("activity_detail", activity_id=activity.public_id)
    return _dashboard(request, activity, stage_form=form, status=status)


@login_required
@require_POST
def activity_member_add(request: HttpRequest, activity_id: uuid.UUID) -> HttpResponse:
    activity = get_object_or_404(Activity, public_id=activity_id)
    form = AddMemberForm(request.POST, activity=activity)
    status = 400
    if form.is_valid():
        try:
            membership = services.activity_add_member(
                activity=activity,
                member=form.cleaned_data["member"],
                role=form.cleaned_data["role"],
                on=timezone.localdate(),
            )
        except PlatformError as error:
            status = refuse(form, error)
        else:
            messages.success(
                request,
                _("%(name)s takes part in the activity as %(role)s.")
                % {"name": membership.member.display_name, "role": membership.get_role_display()},
            )
            return redirect("activity_detail", activity_id=activity.public_id)
    return _dashboard(request, activity, member_form=form, status=status)
