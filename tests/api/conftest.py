"""An API client per entity: django.test.Client on the entity's host, JSON in and out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django_tenants.utils import tenant_context

API = "/api/v1/"


class Api:
    def __init__(self, host: str, entity: Any, username: str | None = None) -> None:
        self.host, self.entity = host, entity
        self.client = Client()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # labels and messages in English
        if username:
            with tenant_context(entity):
                self.client.force_login(get_user_model().objects.get(username=username))

    def url(self, path: str) -> str:
        return path if path.startswith("/") else API + path

    def get(self, path: str, **params: Any):
        return self.client.get(self.url(path), params, HTTP_HOST=self.host)

    def post(self, path: str, data: Any = None, *, raw: str | None = None):
        body = raw if raw is not None else json.dumps(data if data is not None else {})
        return self.client.post(self.url(path), body, content_type="application/json", HTTP_HOST=self.host)

    def ok(self, method: str, path: str, data: Any = None, status: int = 200, **params: Any) -> Any:
        response = self.post(path, data) if method == "post" else self.get(path, **params)
        assert response.status_code == status, (path, response.status_code, response.content[:2000])
        return response.json()

    def list(self, path: str, **params: Any) -> Any:
        response = self.get(path, **params)
        assert response.status_code == 200, (path, response.status_code, response.content[:2000])
        return response.json()

    def refused(self, response, status: int, code: str) -> dict[str, Any]:
        assert response.status_code == status, (response.status_code, response.content[:2000])
        error = response.json()["error"]
        assert error["code"] == code, error
        assert error["message"]
        return error


@pytest.fixture
def eur(group) -> Api:
    """Staff of the entity with empty books (BE, EUR): exact figures."""
    return Api(f"{group.books_eur.slug}.localhost", group.books_eur, "staff@t-books-eur.test")


@pytest.fixture
def alpha(group) -> Api:
    return Api(group.alpha.host, group.alpha.entity, group.alpha.staff_username)
