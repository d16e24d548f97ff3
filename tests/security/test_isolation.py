"""Canary isolation: nothing of one entity ever shows on another entity's subdomain.

Every URL of the entity URL configuration is listed from the resolver (a new URL is probed the day it
is added, or the build fails because nobody said how to fill its parameters), filled with the ids of
rows of *every* entity (ids repeat across schemas), and requested by each entity's staff on their own
subdomain. The responses must never carry another entity's canary.
"""

from __future__ import annotations

import itertools
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import tenant_context

from config.admin_sites import entity_admin_site

pytestmark = pytest.mark.django_db


def _walk(resolver: URLResolver, prefix: str = ""):
    """(route template, parameter names) of every pattern, named or not, nested includes included."""
    for pattern in resolver.url_patterns:
        piece = str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, prefix + piece)
        else:
            assert isinstance(pattern, URLPattern)
            yield prefix + piece


_ROUTE_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
_REGEX_PARAM = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def _parameters(template: str) -> list[str]:
    regex_params = _REGEX_PARAM.findall(template)
    return regex_params + _ROUTE_PARAM.findall(_REGEX_PARAM.sub("", template))


def _fill(template: str, values: dict[str, str]) -> str:
    url = _REGEX_PARAM.sub(lambda m: values[m.group(1)], template)
    return "/" + _ROUTE_PARAM.sub(lambda m: values[m.group(1)], url)


def _admin_model(template: str):
    for model in entity_admin_site._registry:
        if template.startswith(f"admin/{model._meta.app_label}/{model._meta.model_name}/"):
            return model
    return None


def _ids_in_every_entity(model, group) -> list[str]:
    ids: set[str] = set()
    for persona in group.all:
        with tenant_context(persona.entity):
            ids.update(str(pk) for pk in model.objects.values_list("pk", flat=True))
    return sorted(ids)


def _object_params() -> dict[str, type]:
    from tenants.activities.models import Activity
    from tenants.billing.models import Client, Expense, Invoice, Payment, Supplier
    from tenants.declarations.models import Declaration
    from tenants.ledger.models import JournalEntry
    from tenants.members.models import Member
    from tenants.payroll.models import Contract

    return {
        "member_id": Member,
        "activity_id": Activity,
        "client_id": Client,
        "supplier_id": Supplier,
        "invoice_id": Invoice,
        "payment_id": Payment,
        "expense_id": Expense,
        "contract_id": Contract,
        "declaration_id": Declaration,
        "entry_id": JournalEntry,
    }


OBJECT_PARAMS = _object_params()


def _service_probes() -> dict[str, object]:
    """Parameters of the mutualised services' pages (``tests/security/probes_*.py``, one per service):
    ``PROBES = {"case_id": fn(group) -> [every value to try, of every entity]}``."""
    import importlib
    import pkgutil

    import tests.security as package

    probes: dict[str, object] = {}
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("probes_"):
            probes.update(importlib.import_module(f"tests.security.{module.name}").PROBES)
    return probes


SERVICE_PROBES = _service_probes()


def _public_ids_in_every_entity(model, group) -> list[str]:
    ids: set[str] = set()
    for persona in group.all:
        with tenant_context(persona.entity):
            ids.update(str(pk) for pk in model.objects.values_list("public_id", flat=True))
    return sorted(ids)


def body_text(response) -> str:
    """What a person would read in the response: XLSX files are unzipped, everything else decoded."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(archive.read(name).decode(errors="replace") for name in archive.namelist())
    return content.decode(errors="replace")


def entity_urls(group) -> list[str]:
    """Every URL of the entity URL configuration, parameters filled with real ids of all entities."""
    urls: list[str] = []
    app_labels = sorted({model._meta.app_label for model in entity_admin_site._registry})
    user_ct = str(ContentType.objects.get_for_model(get_user_model()).pk)
    for template in _walk(get_resolver(settings.ROOT_URLCONF)):
        params = _parameters(template)
        model = _admin_model(template)
        values: dict[str, list[str]] = {}
        for param in params:
            if param == "app_label":
                values[param] = app_labels
            elif param in {"object_id", "id"} and model is not None:
                values[param] = _ids_in_every_entity(model, group)
            elif template.startswith("admin/r/") and param == "content_type_id":
                values[param] = [user_ct]
            elif template.startswith("admin/r/") and param == "object_id":
                values[param] = _ids_in_every_entity(get_user_model(), group)
            elif param in OBJECT_PARAMS:  # public UUIDs of that model, in every entity
                values[param] = _public_ids_in_every_entity(OBJECT_PARAMS[param], group)
            elif param in SERVICE_PROBES:  # the mutualised services' records of every entity
                values[param] = sorted(SERVICE_PROBES[param](group))  # type: ignore[operator]
            elif template.startswith("admin/") and param == "url":  # the admin's catch-all 404
                values[param] = ["no-such-page/"]
            else:
                pytest.fail(
                    f"URL {template} has parameter {param!r} with no probe: teach the isolation test to fill it"
                )
        for combo in itertools.product(*(values[p] for p in params)):
            urls.append(_fill(template, dict(zip(params, combo, strict=True))))
    return sorted(set(urls))


def _login(persona) -> Client:
    client = Client(raise_request_exception=True)
    with tenant_context(persona.entity):
        client.force_login(get_user_model().objects.get(username=persona.staff_username))
    return client


def test_the_url_list_covers_the_admin_of_every_entity_model(group):
    urls = entity_urls(group)
    assert "/" in urls
    assert "/jobs/check/" in urls
    for model in entity_admin_site._registry:
        assert f"/admin/{model._meta.app_label}/{model._meta.model_name}/" in urls
    assert "/admin/auth/user/1/change/" in urls
    assert "/admin/workspace/" in urls


@pytest.mark.parametrize("who", ["alpha", "beta", "gamma"])
def test_no_url_of_an_entity_shows_another_entitys_canary(group, who):
    me = getattr(group, who)
    foreign = [canary for other in group.others(me) for canary in other.canaries]
    client = _login(me)
    seen_own = False
    for url in entity_urls(group):
        for method in ("get", "head"):
            response = getattr(client, method)(url, HTTP_HOST=me.host)
            assert response.status_code < 500, (url, response.status_code)
            body = body_text(response)
            leaked = [canary for canary in foreign if canary in body]
            assert not leaked, f"{url} on {me.host} shows {leaked}"
            seen_own = seen_own or me.canary in body
    assert seen_own, "the probe never saw the entity's own canary: it is not reading real pages"


def test_writes_on_an_entity_do_not_touch_another_entity(group):
    from tenants.workspace.models import JobCheck

    alpha, beta = group.alpha, group.beta

    def state(persona):
        with tenant_context(persona.entity):
            return (
                sorted(JobCheck.objects.values_list("public_id", "requested_by")),
                sorted(get_user_model().objects.values_list("username", "first_name", "last_name", "password")),
            )

    before = {p.entity.slug: state(p) for p in group.others(alpha)}
    client = _login(alpha)
    assert client.post("/jobs/check/", HTTP_HOST=alpha.host).status_code == 302
    with tenant_context(alpha.entity):
        user_id = get_user_model().objects.get(username=alpha.staff_username).pk
    # The same numeric id exists in Beta: changing "user <id>" on Alpha must change Alpha's user only.
    with tenant_context(beta.entity):
        assert get_user_model().objects.filter(pk=user_id).exists()
    client.post(
        f"/admin/auth/user/{user_id}/change/",
        {
            "username": alpha.staff_username,
            "first_name": "Changed",
            "last_name": "On Alpha",
            "email": "a@alpha.test",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "10:00:00",
        },
        HTTP_HOST=alpha.host,
    )
    with tenant_context(alpha.entity):
        assert get_user_model().objects.get(pk=user_id).first_name == "Changed"
        assert JobCheck.objects.count() == 2
    assert {p.entity.slug: state(p) for p in group.others(alpha)} == before


@pytest.mark.parametrize(("login_on", "visit"), [("alpha", "beta"), ("beta", "gamma"), ("gamma", "alpha")])
def test_a_session_from_one_entity_is_anonymous_on_another(group, login_on, visit):
    me, other = getattr(group, login_on), getattr(group, visit)
    client = _login(me)
    assert client.get("/", HTTP_HOST=me.host).status_code == 200
    response = client.get("/", HTTP_HOST=other.host)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    admin = client.get("/admin/", HTTP_HOST=other.host)
    assert admin.status_code == 302
    assert "/admin/login/" in admin["Location"]


def test_a_group_manager_session_means_nothing_on_an_entity(group):
    client = Client()
    client.force_login(get_user_model().objects.get(username=group.manager_username))
    assert client.get("/", HTTP_HOST="localhost").status_code == 200
    assert client.get("/", HTTP_HOST=group.alpha.host).status_code == 302


def test_an_entity_staff_session_means_nothing_on_the_group_domain(group):
    client = _login(group.alpha)
    response = client.get("/", HTTP_HOST="localhost")
    assert response.status_code == 302
    assert client.get("/api/v1/entities/", HTTP_HOST="localhost").status_code == 403


@pytest.mark.parametrize("alias", list(settings.CACHES))
def test_cache_entries_are_per_entity(group, alias):
    cache = caches[alias]
    alpha, beta, gamma = group.alpha, group.beta, group.gamma
    with tenant_context(alpha.entity):
        cache.set("greeting", alpha.canary, 60)
    with tenant_context(beta.entity):
        assert cache.get("greeting") is None
        cache.set("greeting", beta.canary, 60)
    with tenant_context(gamma.entity):
        assert cache.get("greeting") is None
    assert cache.get("greeting") is None  # public
    with tenant_context(alpha.entity):
        assert cache.get("greeting") == alpha.canary
        cache.delete("greeting")
    with tenant_context(beta.entity):
        assert cache.get("greeting") == beta.canary
        cache.delete("greeting")


def test_every_model_of_ours_uses_64_bit_keys():
    ours = [m for m in apps.get_models() if m.__module__.startswith(("tenants.", "shared_services", "federation_api"))]
    assert ours
    for model in ours:
        assert model._meta.pk.get_internal_type() == "BigAutoField", model
