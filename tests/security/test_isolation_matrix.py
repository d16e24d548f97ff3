"""The isolation matrix beyond an entity's own pages: the group domain's every URL for everyone who is
not entitled to it, every service team against the other teams' pages, every partner key against the
other partner's referrals, and every write method of every entity URL against the other entities'
rows. The URL lists come from the resolvers (a new URL without a probe fails the build) and are
checked against the committed OpenAPI schemas.

Pass conditions: no response is a 5xx, none carries a canary its reader may not see, and after every
write attempt the other entities' rows (their whole schema and their rows in public tables) are
unchanged. The figures go to ``var/results/isolation.json``."""

from __future__ import annotations

import itertools
import re
import secrets
from pathlib import Path

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.test import Client

from config.admin_sites import group_admin_site

from .matrix import entity_digest, group_probes, record, routes
from .test_isolation import _fill, _login, _parameters, body_text, entity_urls

pytestmark = pytest.mark.django_db
GROUP_HOST = "localhost"
WRITES = ("post", "put", "patch", "delete")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "openapi"


def _group_admin_values(template: str, param: str) -> list[str] | None:
    if not template.startswith("admin/"):
        return None
    if param == "app_label":
        return sorted({m._meta.app_label for m in group_admin_site._registry})
    if param in {"object_id", "id"}:
        for model in group_admin_site._registry:
            if template.startswith(f"admin/{model._meta.app_label}/{model._meta.model_name}/"):
                return [str(pk) for pk in model._default_manager.values_list("pk", flat=True)[:3]] + ["999999"]
        return ["1"]
    if param == "content_type_id":
        from django.contrib.contenttypes.models import ContentType

        return [str(ContentType.objects.get_for_model(get_user_model()).pk)]
    if param == "url":
        return ["no-such-page/"]
    return None


def group_urls(group) -> list[str]:
    probes = group_probes(group)
    urls: list[str] = []
    for template in routes("config.urls_public"):
        params = _parameters(template)
        values: dict[str, list[str]] = {}
        for param in params:
            admin = _group_admin_values(template, param)
            if admin is not None:
                values[param] = admin
            elif param in probes:
                values[param] = probes[param]()
            else:
                pytest.fail(
                    f"group URL {template} has parameter {param!r} with no probe: teach tests/security/matrix.py"
                )
        for combo in itertools.product(*(values[p] for p in params)):
            urls.append(_fill(template, dict(zip(params, combo, strict=True))))
    return sorted(set(urls))


def _canaries(group) -> list[str]:
    return [canary for persona in group.all for canary in persona.canaries]


def _digests(group) -> dict[str, dict[str, str]]:
    return {p.entity.slug: entity_digest(p.entity) for p in group.all}


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _outsider() -> Client:
    user = get_user_model().objects.create_user(username=f"outsider-{secrets.token_hex(4)}@group.test", is_staff=True)
    return _client(user)


@pytest.mark.parametrize("who", ["anonymous", "entity_staff", "outsider"])
def test_the_group_domain_shows_nothing_of_an_entity_to_someone_not_entitled(group, who):
    """Anonymous visitors, an entity's staff (their session belongs to their entity) and a group user
    in no team and with no role: every group URL, read and written, shows no canary and changes
    nothing of any entity."""
    if who == "anonymous":
        client = _client()
    elif who == "entity_staff":
        client = _login(group.alpha)
    else:
        client = _outsider()
    canaries = _canaries(group)
    before = _digests(group)
    urls = group_urls(group)
    requests = 0
    for url in urls:
        for method in ("get", "head", *WRITES):
            response = getattr(client, method)(url, HTTP_HOST=GROUP_HOST)
            requests += 1
            # /health/ answers 503 when a service is down (no worker runs in this test): its job.
            healthy = response.status_code < 500 or (url == "/health/" and response.status_code == 503)
            assert healthy, (method, url, response.status_code)
            body = body_text(response)
            leaked = [canary for canary in canaries if canary in body]
            assert not leaked, f"{method.upper()} {url} as {who} shows {leaked}"
    assert _digests(group) == before, f"a write on the group domain as {who} changed an entity's rows"
    record(**{"group_urls": len(urls), f"group_requests_{who}": requests, "leaks_found": 0})


def _team_member(team: str):
    from shared_services.models import Team
    from shared_services.services import team_member_add

    user = get_user_model().objects.create_user(username=f"{team}-{secrets.token_hex(4)}@group.test", is_staff=True)
    team_member_add(user_id=user.pk, team=Team(team))
    return user


TEAM_PAGES = {  # team -> (its index, the prefixes of its pages)
    "guarantee_fund": ("/services/guarantee/", ("/services/guarantee/",)),
    "insurance": ("/services/insurance/", ("/services/insurance/",)),
    "legal": ("/services/legal/", ("/services/legal/",)),
    "financing": ("/services/financing/", ("/services/financing/", "/services/referrals/")),
}


def test_each_service_team_sees_only_its_own_pages(group):
    """A member of one team is refused (403) on every page of the other teams, the governance pages
    and the group dashboard, and reads no canary there; on their own team's index they do see the
    entities' records (their job)."""
    urls = group_urls(group)
    canaries = _canaries(group)
    requests = 0
    for team, (index, _own) in TEAM_PAGES.items():
        client = _client(_team_member(team))
        assert client.get(index, HTTP_HOST=GROUP_HOST).status_code == 200, team
        others = [p for name, (_i, prefixes) in TEAM_PAGES.items() if name != team for p in prefixes]
        others += ["/governance/", "/dashboard/", "/api/v1/federation/"]
        for url in urls:
            if not url.startswith(tuple(others)):
                continue
            response = client.get(url, HTTP_HOST=GROUP_HOST)
            requests += 1
            assert response.status_code in (302, 400, 403, 404, 405), (team, url, response.status_code)
            leaked = [canary for canary in canaries if canary in body_text(response)]
            assert not leaked, f"{url} shows {leaked} to the {team} team"
    record(team_requests=requests)


def _partner_key(slug: str) -> str:
    from federation_api.partner_api import partner_key_create
    from shared_services.referrals.models import Partner

    _key, secret = partner_key_create(
        partner=Partner.objects.get(slug=slug),
        name="matrix",
        scopes=["referrals:read", "referrals:write", "webhooks:manage"],
    )
    return secret


def test_a_partner_key_never_reaches_another_partners_referrals(group):
    """The test referrals (one per entity, canaries in their fields) are all addressed to Microstart:
    COOPCITY's key, on every partner URL with every referral id, reads none of them and changes none."""
    from shared_services.referrals.models import Referral

    coopcity = _partner_key("coopcity")
    urls = [u for u in group_urls(group) if u.startswith("/api/v1/partner/")]
    canaries = _canaries(group)
    before = sorted(Referral.objects.values_list("public_id", "status", "outcome"))
    requests = 0
    for url in urls:
        for method in ("get", *WRITES):
            response = getattr(_client(), method)(
                url, HTTP_HOST=GROUP_HOST, HTTP_AUTHORIZATION=f"Bearer {coopcity}", content_type="application/json"
            )
            requests += 1
            assert response.status_code < 500, (method, url, response.status_code)
            leaked = [canary for canary in canaries if canary in body_text(response)]
            assert not leaked, f"{method.upper()} {url} shows {leaked} to COOPCITY"
    assert sorted(Referral.objects.values_list("public_id", "status", "outcome")) == before
    record(partner_urls=len(urls), partner_requests=requests)


def test_write_attempts_on_an_entity_never_change_another_entity(group):
    """Alpha's staff sends every write method to every URL of its subdomain, with the ids of every
    entity (ids repeat across schemas): Beta's and Gamma's rows stay exactly as they were."""
    alpha = group.alpha
    others = group.others(alpha)
    before = {p.entity.slug: entity_digest(p.entity) for p in others}
    client = _login(alpha)
    urls = entity_urls(group)
    requests = 0
    for url in urls:
        for method in WRITES:
            response = getattr(client, method)(url, HTTP_HOST=alpha.host)
            requests += 1
            assert response.status_code < 500, (method, url, response.status_code)
    assert {p.entity.slug: entity_digest(p.entity) for p in others} == before
    record(entity_urls=len(urls), entity_write_requests=requests, entity_pairs=len(group.all) * (len(group.all) - 1))


_PLACEHOLDER = re.compile(r"\{[^}]+\}")


@pytest.mark.parametrize(
    ("schema", "urlconf", "prefix"),
    [
        ("entity-api.yaml", "config.urls_tenant", ""),
        ("federation-api.yaml", "config.urls_public", ""),
        ("partner-api.yaml", "config.urls_public", ""),
    ],
)
def test_every_documented_path_is_a_routed_url(schema, urlconf, prefix):
    """The OpenAPI schemas and the resolvers agree: every documented path is routed (so the matrix,
    which walks the resolvers, probes it)."""
    documented = yaml.safe_load((DOCS / schema).read_text())["paths"]
    routed = {re.sub(r"<(?:\w+:)?\w+>", "{}", "/" + template) for template in routes(urlconf)}
    missing = [path for path in documented if _PLACEHOLDER.sub("{}", prefix + path) not in routed]
    assert not missing, f"{schema}: documented but not routed: {missing}"
    record(**{f"openapi_paths_{schema.split('-')[0]}": len(documented)})
