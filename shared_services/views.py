from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .access import entity_of


@login_required
@require_safe
def entity_services_home(request: HttpRequest) -> HttpResponse:
    """The group's mutualised services, as an entity's staff reach them."""
    entity_of(request)
    return render(request, "shared_services/entity_home.html")
