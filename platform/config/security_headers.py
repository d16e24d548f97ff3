"""The Content-Security-Policy of every response (Django 5.2 has none built in).

The policy is data (``settings.CONTENT_SECURITY_POLICY``: directive -> sources). ``{nonce}`` in a source
list stands for this request's nonce (``request.csp_nonce``), which the few pages with an inline script
of a third party (the API documentation pages, ``config/api_docs.py``) put on their tags. A view may answer
with another policy from ``settings.CONTENT_SECURITY_POLICIES`` by setting ``response.csp_policy`` to its
name; the only one today relaxes styles for Swagger UI and Redoc, never scripts.

This middleware is the first of the stack, so that the answers given before any view (unknown host,
closed entity, errors) carry the policy too.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseBase

HEADER = "Content-Security-Policy"


def policy_header(policy: Mapping[str, Sequence[str]], nonce: str) -> str:
    parts = []
    for directive, sources in policy.items():
        values = [f"'nonce-{nonce}'" if source == "{nonce}" else source for source in sources]
        parts.append(" ".join([directive, *values]))
    return "; ".join(parts)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        if not settings.CONTENT_SECURITY_POLICY:
            raise ImproperlyConfigured("CONTENT_SECURITY_POLICY must not be empty.")

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        name = getattr(response, "csp_policy", None)
        policy = settings.CONTENT_SECURITY_POLICIES[name] if name else settings.CONTENT_SECURITY_POLICY
        response.headers[HEADER] = policy_header(policy, nonce)
        return response
