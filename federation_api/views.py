from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tenants.registry.selectors import entity_list, entity_url


@staff_member_required(login_url="login")
def group_home(request: HttpRequest) -> HttpResponse:
    entities = [(entity, entity_url(entity)) for entity in entity_list()]
    return render(request, "federation/home.html", {"entities": entities})
