"""The group dashboard (group domain, ``/dashboard/``): consolidated figures for group management
with charts, filters, drill-down to one entity, CSV/XLSX exports and the long recomputations run as
tasks with their progress. Same roles as the federation API (``group_manager``,
``federation_reader``); every figure says as of when it was drained."""

from __future__ import annotations

import csv
import datetime
import io
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from config.access import group_page_required
from config.errors import PlatformError
from tenants.registry.models import Entity

from . import charts, jobs, selectors
from .api_views import GROUP_MANAGER, ROLES, roles_of
from .membership import Membership, membership
from .models import DashboardJob, JobKind
from .selectors import Figures, Filters

TOP_ENTITIES = 8
EXPORT_COLUMNS = [
    "entity_id", "entity", "name", "country", "closed", "period", "currency",
    "turnover", "levy", "wages", "expenses", "eur_rate", "rate_basis",
    "turnover_eur", "levy_eur", "wages_eur", "expenses_eur", "as_of",
]  # fmt: skip


federation_role_required = group_page_required(lambda user: bool(roles_of(user) & ROLES))


def _month(period: datetime.date) -> str:
    return f"{period:%Y-%m}"


@dataclass(frozen=True)
class EntitySummary:
    entity: Entity
    amounts_eur: dict[str, Decimal]
    members: int
    cooperators: int


def _metric_series(result: Figures, metric: str, months: list[datetime.date]) -> list[charts.Series]:
    """One series per entity (the biggest by turnover, the rest together), EUR per month."""
    per_entity: dict[str, dict[datetime.date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    names: dict[str, tuple[str, str]] = {}
    weight: dict[str, Decimal] = defaultdict(Decimal)
    for row in result.rows:
        per_entity[row.key][row.period] += row.amounts_eur[metric]
        weight[row.key] += abs(row.amounts_eur["turnover"])
        names[row.key] = (row.label, reverse("federation_dashboard_entity", args=[row.key]))
    ranked = sorted(per_entity, key=lambda key: (-weight[key], names[key][0]))
    series = [
        charts.Series(names[key][0], [per_entity[key][m] for m in months], names[key][1])
        for key in ranked[:TOP_ENTITIES]
    ]
    rest = ranked[TOP_ENTITIES:]
    if rest:
        series.append(
            charts.Series(
                _("Other entities (%(count)s)") % {"count": len(rest)},
                [sum((per_entity[key][m] for key in rest), Decimal(0)) for m in months],
            )
        )
    return series


def _summaries(result: Figures, members: Membership) -> list[EntitySummary]:
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(selectors.METRICS, Decimal(0)))
    entities: dict[str, Entity] = {}
    for row in result.rows:
        assert row.entity is not None
        entities[row.key] = row.entity
        for metric in selectors.METRICS:
            totals[row.key][metric] += row.amounts_eur[metric]
    by_entity = {str(m.entity.public_id): m for m in members.by_entity}
    for key, counted in by_entity.items():
        entities.setdefault(key, counted.entity)
    summaries = []
    for key, entity in entities.items():
        found = by_entity.get(key)
        summaries.append(
            EntitySummary(
                entity,
                totals[key] if key in totals else dict.fromkeys(selectors.METRICS, Decimal(0)),
                found.members if found else 0,
                found.cooperators if found else 0,
            )
        )
    return sorted(summaries, key=lambda s: (-s.amounts_eur["turnover"], s.entity.display_name))


def _may_recompute(request: HttpRequest) -> bool:
    return GROUP_MANAGER in roles_of(request.user)


def _filter_context(request: HttpRequest, filters: Filters | None) -> dict[str, Any]:
    return {
        "may_recompute": _may_recompute(request),
        "entities": Entity.objects.order_by("display_name"),
        "countries": sorted(set(Entity.objects.values_list("country", flat=True))),
        "params": request.GET,
        "filters": filters,
        "query": request.GET.urlencode(),
    }


def _refused(request: HttpRequest, template: str, error: PlatformError, extra: dict[str, Any]) -> HttpResponse:
    context = {**_filter_context(request, None), **extra, "error": error}
    return render(request, template, context, status=error.status)


@require_GET
@federation_role_required
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        filters = selectors.filters_parse(request.GET)
        result = selectors.figures(by="entity", filters=filters)
        stages = selectors.activities_by_stage(filters=filters)
        members = membership(filters=filters)
    except PlatformError as error:
        return _refused(request, "federation/dashboard.html", error, {"jobs": DashboardJob.objects.all()[:5]})
    months = sorted({row.period for row in result.rows})
    labels = [_month(m) for m in months]
    stage_totals: dict[str, Decimal] = defaultdict(Decimal)
    for stage in stages:
        stage_totals[stage.stage or _("no activity")] += stage.turnover_eur
    fund = selectors.guarantee_view()
    context = {
        **_filter_context(request, filters),
        "result": result,
        "summaries": _summaries(result, members),
        "members": members,
        "stages": sorted(stage_totals.items()),
        "fund": fund,
        "jobs": DashboardJob.objects.select_related("entity")[:5],
        "job_kinds": JobKind.choices,
        "turnover_chart": charts.columns(
            title=_("Turnover per entity and month (EUR)"),
            categories=labels,
            series=_metric_series(result, "turnover", months),
            unit="EUR",
        ),
        "levy_chart": charts.columns(
            title=_("Levy per entity and month (EUR)"),
            categories=labels,
            series=_metric_series(result, "levy", months),
            unit="EUR",
        ),
        "members_chart": charts.lines(
            title=_("Members and cooperators at the end of each month"),
            categories=[_month(p.period) for p in members.points],
            series=[
                charts.Series(_("Members"), [p.members for p in members.points]),
                charts.Series(_("Cooperators"), [p.cooperators for p in members.points]),
            ],
            unit="",
        ),
        "stages_chart": charts.columns(
            title=_("Turnover by activity stage (EUR)"),
            categories=[label for label, _amount in sorted(stage_totals.items())],
            series=[charts.Series(_("Turnover"), [amount for _label, amount in sorted(stage_totals.items())])],
            unit="EUR",
            stacked=False,
        ),
        "fund_chart": charts.columns(
            title=_("Salary guarantee fund: cash against what is at stake"),
            categories=[p.currency for p in fund.positions],
            series=[
                charts.Series(_("Fund cash"), [p.cash for p in fund.positions]),
                charts.Series(_("At stake (advances, covers, pending)"), [p.at_stake for p in fund.positions]),
            ],
            unit="",
            stacked=False,
        ),
    }
    return render(request, "federation/dashboard.html", context)


@require_GET
@federation_role_required
def dashboard_entity(request: HttpRequest, entity_id: uuid.UUID) -> HttpResponse:
    try:
        entity = selectors.entity_get(str(entity_id))
    except PlatformError:
        raise Http404 from None
    try:
        filters = selectors.filters_parse(request.GET, entity=entity)
        drill = selectors.entity_drill(entity=entity, filters=filters)
        members = membership(filters=filters)
    except PlatformError as error:
        return _refused(request, "federation/dashboard_entity.html", error, {"subject": entity})
    rows = drill.figures.rows
    labels = [
        f"{_month(r.period)} {r.currency}" if len({x.currency for x in rows}) > 1 else _month(r.period) for r in rows
    ]
    context = {
        **_filter_context(request, filters),
        "subject": entity,
        "drill": drill,
        "members": members,
        "entity_members": members.by_entity[0] if members.by_entity else None,
        "chart": charts.columns(
            title=_("Turnover and levy per month (EUR)"),
            categories=labels,
            series=[
                charts.Series(_("Turnover"), [r.amounts_eur["turnover"] for r in rows]),
                charts.Series(_("Levy"), [r.amounts_eur["levy"] for r in rows]),
            ],
            unit="EUR",
            stacked=False,
        ),
    }
    return render(request, "federation/dashboard_entity.html", context)


def _export_rows(result: Figures) -> list[list[Any]]:
    rows = []
    for row in result.rows:
        assert row.entity is not None
        rows.append(
            [
                str(row.entity.public_id), row.entity.slug, row.entity.display_name, row.entity.country,
                row.closed, _month(row.period), row.currency,
                *(row.amounts[m] for m in selectors.METRICS),
                row.rate.rate, "ecb_monthly_average",
                *(row.amounts_eur[m] for m in selectors.METRICS),
                row.as_of.isoformat() if row.as_of else "",
            ]
        )  # fmt: skip
    return rows


def _csv_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula is quoted (names come from the entities)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@require_GET
@federation_role_required
def dashboard_export(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        filters = selectors.filters_parse(request.GET)
        result = selectors.figures(by="entity", filters=filters)
    except PlatformError as error:
        return JsonResponse({"error": error.as_dict()}, status=error.status)
    stamp = timezone.localdate().isoformat()
    rows = _export_rows(result)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="smart-group-figures-{stamp}.csv"'
        return response
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "figures"
        sheet.append(EXPORT_COLUMNS)
        for row in rows:
            sheet.append([_csv_cell(v) for v in row])
        for column in ("H", "I", "J", "K", "N", "O", "P", "Q"):
            for cell in sheet[column][1:]:
                cell.number_format = "#,##0.00"
        notes = book.create_sheet("about")
        notes.append(["as_of", result.as_of.isoformat() if result.as_of else ""])
        notes.append(["filters", request.GET.urlencode()])
        notes.append(["totals_eur", *(f"{m}={v}" for m, v in result.totals_eur.items())])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="smart-group-figures-{stamp}.xlsx"'
        return response
    raise Http404


@require_POST
@federation_role_required
def dashboard_job_start(request: HttpRequest) -> HttpResponse:
    if not _may_recompute(request):
        raise PermissionDenied  # readers read; recomputations are the group managers' to start
    entity = None
    try:
        if request.POST.get("entity"):
            entity = selectors.entity_get(request.POST["entity"])
        job = jobs.job_create(
            kind=request.POST.get("kind", ""), entity=entity, requested_by=request.user.get_username()
        )
    except PlatformError as error:
        messages.error(request, f"{error.message} ({error.code})")
        return redirect("federation_dashboard")
    return redirect("federation_dashboard_job", job_id=job.public_id)


@require_GET
@federation_role_required
def dashboard_job(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = DashboardJob.objects.select_related("entity").filter(public_id=job_id).first()
    if job is None:
        raise Http404
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "id": str(job.public_id),
                "kind": job.kind,
                "status": job.status,
                "done": job.done,
                "total": job.total,
                "percent": job.percent,
                "current": job.current,
                "result": job.result,
                "error": job.error,
            }
        )
    return render(request, "federation/dashboard_job.html", {"job": job})
