from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import context


class AuditContextMiddleware:
    """Binds the signed-in user (or "anonymous") and a request id to the request's database writes,
    and answers the request id in ``X-Request-ID``. After the authentication middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = context.request_id_from(request.headers.get("X-Request-ID"))
        where = getattr(getattr(request, "entity", None), "slug", None) or "group"

        def actor() -> str:  # read only when the request writes: a read never loads the session for it
            user = getattr(request, "user", None)
            name = user.get_username() if user is not None and user.is_authenticated else "anonymous"
            return f"{where}:{name}"

        token = context.bind(actor, request_id)
        try:
            response = self.get_response(request)
        finally:
            context.unbind(token)
        response["X-Request-ID"] = request_id
        return response
