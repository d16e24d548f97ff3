"""Who may use the service pages.

* Group domain (public schema): a signed-in group user who belongs to the service's team
  (``TeamMembership``). Group managers without the team get 403; nobody is in a team by being a
  superuser, so the legal team's confidentiality holds against the group's own administrators.
* An entity's subdomain: the entity's signed-in staff, and only for their own entity
  (``entity_of(request)``); every query of a shared-services model there filters on it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest

from config.access import View, group_page_required
from tenants.registry.models import Entity

from .models import Team
from .selectors import user_in_team


def team_required(team: Team) -> Callable[[View], View]:
    return group_page_required(lambda user: user_in_team(user_id=user.pk, team=team))


def entity_of(request: HttpRequest) -> Entity:
    """The entity whose subdomain serves the request (404 on the group domain)."""
    entity = getattr(request, "entity", None)
    if not isinstance(entity, Entity):
        raise Http404
    return entity
