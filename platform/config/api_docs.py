"""Swagger UI and Redoc pages of our three APIs, served from drf-spectacular-sidecar's files (no CDN)
under the Content-Security-Policy.

drf-spectacular's templates carry inline ``<script>`` and ``<style>`` blocks; these versions put the
request's nonce on them, and Redoc's loads no Google Fonts. Both libraries also insert styles at run
time (Redoc through styled-components) and Redoc starts its search worker from a ``blob:`` URL, so these
pages answer with the ``api_docs`` policy: inline styles, ``blob:`` workers and ``data:`` images allowed,
scripts still only ours or nonced.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.template import engines
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.request import Request

POLICY = "api_docs"

_SWAGGER = engines["django"].from_string(
    '{% extends "drf_spectacular/swagger_ui.html" %}'
    "{% block head %}<title>{{ title|default:'Swagger' }}</title>"
    '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
    '{% if favicon_href %}<link rel="icon" href="{{ favicon_href }}">{% endif %}'
    '<link rel="stylesheet" href="{{ swagger_ui_css }}">'
    '<style nonce="{{ request.csp_nonce }}">html { box-sizing: border-box; overflow-y: scroll; } '
    "*, *:after, *:before { box-sizing: inherit; } body { background: #fafafa; margin: 0; }</style>"
    "{% endblock head %}"
    '{% block body %}<div id="swagger-ui"></div>'
    '<script src="{{ swagger_ui_bundle }}" nonce="{{ request.csp_nonce }}"></script>'
    '<script src="{{ swagger_ui_standalone }}" nonce="{{ request.csp_nonce }}"></script>'
    '<script nonce="{{ request.csp_nonce }}">{% include template_name_js %}</script>'
    "{% endblock body %}"
)

_REDOC = engines["django"].from_string(
    '{% extends "drf_spectacular/redoc.html" %}'
    "{% block head %}<title>{{ title|default:'Redoc' }}</title>"
    '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
    '<style nonce="{{ request.csp_nonce }}">body { margin: 0; padding: 0; }</style>{% endblock head %}'
    '{% block body %}<div id="redoc-container"></div>'
    '<script src="{{ redoc_standalone }}" nonce="{{ request.csp_nonce }}"></script>'
    '<script nonce="{{ request.csp_nonce }}">'
    "Redoc.init({{ schema_url_json|safe }}, {{ settings|default:'{}'|safe }}, "
    "document.getElementById('redoc-container'));</script>"
    "{% endblock body %}"
)


class SwaggerPage(SpectacularSwaggerView):
    """Mixed in after the API's own base view (which decides who may read it)."""

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        page = super().get(request, *args, **kwargs)
        response = HttpResponse(_SWAGGER.render(page.data, request))
        response.csp_policy = POLICY  # type: ignore[attr-defined]
        return response


class RedocPage(SpectacularRedocView):
    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        page = super().get(request, *args, **kwargs)
        data = dict(page.data)
        data["schema_url_json"] = json.dumps(str(data["schema_url"]))
        response = HttpResponse(_REDOC.render(data, request))
        response.csp_policy = POLICY  # type: ignore[attr-defined]
        return response
