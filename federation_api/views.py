from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tenants.registry.selectors import entity_list, entity_url

from .api_views import ROLES, roles_of


@staff_member_required(login_url="login")
def group_home(request: HttpRequest) -> HttpResponse:
    """The group site's home: links to every group page; the list of entities only for group
    management (group managers and federation readers), not for every group user."""
    may_see_entities = bool(roles_of(request.user) & ROLES)
    entities = [(entity, entity_url(entity)) for entity in entity_list()] if may_see_entities else []
    return render(request, "federation/home.html", {"entities": entities, "may_see_entities": may_see_entities})
