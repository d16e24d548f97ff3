"""The one gate of every group-domain page: it exists on the group domain only (404 on an entity's
subdomain), asks anonymous visitors to sign in, and refuses (403) a signed-in group user for whom
``allowed(user)`` is false (a service team, the governance team, a federation role)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

View = Callable[..., HttpResponseBase]


def group_page_required(allowed: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if getattr(request, "entity", None) is not None:
                raise Http404  # group pages do not exist on a subdomain (the URLconf has them not either)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
