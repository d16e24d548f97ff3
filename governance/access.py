"""Who may use the governance pages: signed-in group users in the governance team
(``GovernanceTeamMembership``), on the group domain only. Being a superuser is not enough."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from .selectors import user_in_governance_team

View = Callable[..., HttpResponse]


def governance_team_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "entity", None) is not None:
            raise Http404
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_in_governance_team(user_id=request.user.pk):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
