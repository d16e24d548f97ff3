"""``handler500``: a database that does not answer is a clean 503 (code ``database_unavailable``), any
other error Django's plain 500. The real thing, PostgreSQL restarted under traffic, is
tests/faults/test_postgres_restart.py."""

from __future__ import annotations

import json

from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from config.unavailable import server_error


def _answer(error: Exception, path: str, **headers: str):  # type: ignore[no-untyped-def]
    request = RequestFactory().get(path, **headers)
    try:
        raise error
    except Exception:
        return server_error(request)


def test_the_api_gets_a_json_503_in_the_error_format():
    for error in (OperationalError("terminating connection due to administrator command"), InterfaceError("closed")):
        response = _answer(error, "/api/v1/members/")
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert json.loads(response.content)["error"]["code"] == "database_unavailable"


def test_a_page_gets_a_translated_503_page_without_a_traceback():
    response = _answer(OperationalError("connection refused"), "/members/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 503
    assert response["Content-Language"] == "fr"
    body = response.content.decode()
    assert "database_unavailable" in body and "Traceback" not in body and "connection refused" not in body


def test_any_other_error_stays_a_plain_500():
    assert _answer(ValueError("bug"), "/api/v1/members/").status_code == 500
