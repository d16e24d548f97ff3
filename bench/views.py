"""The endpoint every routing variant serves: three queries on one table, JSON out."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path

from tenants.workspace.models import JobCheck


def three_queries(request: HttpRequest) -> JsonResponse:
    total = JobCheck.objects.count()
    latest = list(JobCheck.objects.order_by("-id").values("id", "requested_by")[:10])
    first = JobCheck.objects.filter(pk=latest[0]["id"]).values_list("requested_by", flat=True).first()
    return JsonResponse({"total": total, "latest": latest, "first": first})


urlpatterns = [path("bench/three-queries/", three_queries, name="bench_three_queries")]
