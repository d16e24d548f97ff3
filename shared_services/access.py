"""Who may use the service pages.

* Group domain (public schema): a signed-in group user who belongs to the service's team
  (``TeamMembership``). Group managers without the team get 403; nobody is in a team by being a
  superuser, so the legal team's confidentiality holds against the group's own administrators.
* An entity's subdomain: the entity's signed-in staff, and only for their own entity
  (``entity_of(request)``); every query of a shared-services model there filters on it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from tenants.registry.models import Entity

from .models import Team
from .selectors import user_in_team

View = Callable[..., HttpResponseBase]


def team_required(team: Team) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if getattr(request, "entity", None) is not None:
                raise Http404  # group pages do not exist on a subdomain (the URLconf has them not either)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_in_team(user_id=request.user.pk, team=team):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def entity_of(request: HttpRequest) -> Entity:
    """The entity whose subdomain serves the request (404 on the group domain)."""
    entity = getattr(request, "entity", None)
    if not isinstance(entity, Entity):
        raise Http404
    return entity
