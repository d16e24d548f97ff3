"""Staff pages of the members: list, detail, registration, exports."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from config.errors import PlatformError
from tenants.exports import export_response
from tenants.payroll.smoothing import smoothing_reserve_balance, smoothing_simulate
from tenants.web import refuse

from . import services
from .forms import MemberCreateForm, MemberFilterForm
from .models import Member

PAGE_SIZE = 25


def _filtered(request: HttpRequest) -> tuple[MemberFilterForm, QuerySet[Member]]:
    form = MemberFilterForm(request.GET)
    return form, form.filter(Member.objects.all())


@login_required
@require_safe
def member_list(request: HttpRequest) -> HttpResponse:
    form, members = _filtered(request)
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "members/member_list.html", {"filter_form": form, "page_obj": page})


@login_required
@require_safe
def member_detail(request: HttpRequest, member_id: uuid.UUID) -> HttpResponse:
    member = get_object_or_404(Member, public_id=member_id)
    context = {
        "member": member,
        "memberships": member.memberships.select_related("activity").order_by("activity__name"),
        "contracts": member.contracts.select_related("activity"),
        "expenses": member.expenses.select_related("activity"),
        **_smoothing_context(member, getattr(request, "entity", None)),
    }
    return render(request, "members/member_detail.html", context)


def _smoothing_context(member: Member, entity: object) -> dict[str, object]:
    """Income smoothing (C9): what the member's income can sustain, and their agreements' reserves."""
    today = timezone.localdate()
    currency = str(getattr(entity, "currency", "")) or None
    agreements = [
        (agreement, smoothing_reserve_balance(agreement, as_of=today))
        for agreement in member.smoothing_agreements.order_by("-starts_on")
    ]
    return {
        "simulation": smoothing_simulate(member, as_of=today, currency=currency),
        "agreements": agreements,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def member_create(request: HttpRequest) -> HttpResponse:
    entity = getattr(request, "entity", None)
    status = 200
    if request.method == "POST":
        form = MemberCreateForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                member = services.member_create(**form.cleaned_data)
            except PlatformError as error:
                status = refuse(form, error)
            else:
                messages.success(request, _("The member %(name)s was registered.") % {"name": member.display_name})
                return redirect("member_detail", member_id=member.public_id)
    else:
        form = MemberCreateForm(initial={"country": getattr(entity, "country", "")})
    return render(request, "members/member_form.html", {"form": form}, status=status)


EXPORT_HEADERS = [
    gettext_lazy("Last name or company name"),
    gettext_lazy("First name"),
    gettext_lazy("Kind"),
    gettext_lazy("Stakeholder category"),
    gettext_lazy("E-mail"),
    gettext_lazy("Phone"),
    gettext_lazy("Languages"),
    gettext_lazy("Registered on"),
]


@login_required
@require_GET  # a download (see tenants.exports)
def member_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _form, members = _filtered(request)
    rows = (
        [
            m.last_name,
            m.first_name,
            m.get_kind_display(),
            m.get_category_display(),
            m.email,
            m.phone,
            ", ".join(m.languages),
            timezone.localdate(m.created_at),
        ]
        for m in members.iterator()
    )
    return export_response(fmt, filename="members", title=gettext_lazy("Members"), headers=EXPORT_HEADERS, rows=rows)
