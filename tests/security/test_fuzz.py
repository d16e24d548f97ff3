"""API fuzzing: every operation of the three committed OpenAPI descriptions, as every role.

Schemathesis reads ``docs/openapi/{entity,federation,partner}-api.yaml`` from the files (what partners
and integrators are given, not what the server would serve today) and generates requests, valid ones
(positive) and invalid ones (negative), for every operation. They go through the whole Django stack
in-process (Django's test client: routing middleware, tenant schema, sessions, DRF) on the right host:
the entity API on Alpha's subdomain, the federation and partner APIs on the group domain.

Roles: Alpha's staff, the group manager, a ``federation_reader``, a partner key with every scope, a
partner key with ``referrals:read`` only, and nobody. Path parameters and references in bodies are
sometimes replaced by ids that exist (Alpha's objects, the federation's entities, the partner's
referrals, endpoints and deliveries), so that writes reach the business rules instead of stopping at
"no such object".

For every response: never a 5xx; every 4xx is JSON ``{"error": {"code", "message", ...}}`` with a
non-empty snake_case code and a non-empty message; and Schemathesis's checks of the response against
the description (status code documented, content type, body schema).

Each example runs inside a savepoint rolled back after it, inside the test's transaction: a fuzzed
write never persists and never sees an earlier example's write. Only Alpha's own objects and public
rows are ever given to the fuzzer; nothing is written in another entity.

``FUZZ_MAX_EXAMPLES`` (default 6) bounds the examples per operation and generation mode;
``FUZZ_SEED`` changes the (otherwise fixed) seed. The figures go to ``var/results/fuzz.json``.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import schemathesis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup
from django.core.cache import caches
from django.db import transaction
from django.test import Client
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.transport.requests import REQUESTS_TRANSPORT

from federation_api.partner_api import partner_key_create
from shared_services.referrals.models import Partner, Referral, WebhookDelivery
from shared_services.referrals.services import referral_create, webhook_endpoint_create

from ..conftest import PROJECT_DIR

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "6"))
SEED = int(os.environ.get("FUZZ_SEED", "20261126"))
RESULTS = PROJECT_DIR / "var" / "results" / "fuzz.json"
SCHEMAS = ("entity", "federation", "partner")
ROLES = ("entity_staff", "group_manager", "federation_reader", "partner_all_scopes", "partner_few_scopes", "anonymous")
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]
PARTNER = "microstart"


def _load(name: str) -> Any:
    return schemathesis.openapi.from_path(PROJECT_DIR / "docs" / "openapi" / f"{name}-api.yaml")


# --- the figures ------------------------------------------------------------------------------------


@dataclass
class Figures:
    operations: int = 0
    examples: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    checked_4xx: int = 0
    server_errors: int = 0
    findings: list[str] = field(default_factory=list)
    # Valid (positive) writes: how each operation answered ("POST /path 400 code"): how deep it gets.
    writes: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "writes_accepted": sum(n for key, n in self.writes.items() if key.split(" ")[2].startswith("2")),
            "writes": dict(sorted(self.writes.items())),
            "operations": self.operations,
            "examples": self.examples,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "responses_4xx_checked": self.checked_4xx,
            "responses_5xx": self.server_errors,
            "findings": self.findings,
        }


@pytest.fixture(scope="session")
def fuzz_figures() -> Iterator[dict[tuple[str, str], Figures]]:
    """Collects the figures of every fuzz test of the session and writes them once at its end."""
    collected: dict[tuple[str, str], Figures] = {}
    yield collected
    if not collected:
        return
    runs = [{"schema": s, "role": r, **f.as_dict()} for (s, r), f in sorted(collected.items())]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "schemathesis": schemathesis.SCHEMATHESIS_VERSION,
                "max_examples_per_operation_and_mode": MAX_EXAMPLES,
                "modes": ["positive", "negative"],
                "seed": SEED,
                "totals": {
                    "runs": len(runs),
                    "operations_x_roles": sum(r["operations"] for r in runs),
                    "examples": sum(r["examples"] for r in runs),
                    "responses_4xx_checked": sum(r["responses_4xx_checked"] for r in runs),
                    "responses_5xx": sum(r["responses_5xx"] for r in runs),
                    "findings": sum(len(r["findings"]) for r in runs),
                },
                "runs": runs,
            },
            indent=2,
        )
        + "\n"
    )


# --- the roles --------------------------------------------------------------------------------------


@dataclass
class Caller:
    client: Client
    authorization: str | None = None


@dataclass
class World:
    """Who calls, on which host, and the ids that exist (by parameter or body field name)."""

    callers: dict[str, Caller]
    hosts: dict[str, str]
    ids: dict[str, list[str]]
    partner_keys: list[str]


def _client() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def world(group) -> World:
    alpha = group.alpha.entity
    users = get_user_model()

    staff = _client()
    with tenant_context(alpha):
        staff.force_login(users.objects.get(username=group.alpha.staff_username))
        from tenants.activities.models import Activity
        from tenants.billing.models import Client as BillingClient
        from tenants.billing.models import Expense, Invoice, Supplier
        from tenants.declarations.models import Declaration
        from tenants.ledger.models import JournalEntry
        from tenants.members.models import Member
        from tenants.payroll.models import Contract

        def ids(model: Any) -> list[str]:
            return [str(i) for i in model.objects.order_by("id").values_list("public_id", flat=True)[:5]]

        found = {
            "member": ids(Member),
            "activity": ids(Activity),
            "client": ids(BillingClient),
            "supplier": ids(Supplier),
            "invoice": ids(Invoice),
            "expense": ids(Expense),
            "contract": ids(Contract),
            "declaration": ids(Declaration),
            "entry": ids(JournalEntry),
        }
        found["holder"] = found["member"]
        # A referral and its webhook delivery, in Alpha (rolled back with the test).
        partner = Partner.objects.get(slug=PARTNER)
        endpoint = webhook_endpoint_create(
            partner=partner, url="https://hooks.partner.example/smart", events=["referral.created"], by="fuzz"
        )
        referral_create(
            partner=partner,
            member_id=uuid.UUID(found["member"][0]),
            project="Fuzzed project",
            consent_fields=["name", "project"],
            consent_given=True,
            by="fuzz",
        )
    # Alpha's referrals only: the partner's writes (accept, decline, outcome) reach nothing of Beta or Gamma.
    referrals = Referral.objects.filter(partner=partner, entity=alpha)
    found["referral"] = [str(r) for r in referrals.values_list("public_id", flat=True)]
    found["endpoint"] = [str(endpoint.public_id)]
    found["delivery"] = [
        str(d) for d in WebhookDelivery.objects.filter(endpoint=endpoint).values_list("public_id", flat=True)
    ]
    found["entity"] = [str(p.entity.public_id) for p in group.all]

    manager = _client()
    manager.force_login(users.objects.get(username=group.manager_username))
    reader_user = users.objects.create_user(username="fuzz-reader@group.test", password=uuid.uuid4().hex)
    reader_user.groups.add(AuthGroup.objects.get_or_create(name="federation_reader")[0])
    reader = _client()
    reader.force_login(reader_user)
    all_scopes = partner_key_create(
        partner=partner, name="fuzz-all", scopes=["referrals:read", "referrals:write", "webhooks:manage"]
    )
    few_scopes = partner_key_create(partner=partner, name="fuzz-few", scopes=["referrals:read"])
    return World(
        callers={
            "entity_staff": Caller(staff),
            "group_manager": Caller(manager),
            "federation_reader": Caller(reader),
            "partner_all_scopes": Caller(_client(), f"Bearer {all_scopes[1]}"),
            "partner_few_scopes": Caller(_client(), f"Bearer {few_scopes[1]}"),
            "anonymous": Caller(_client()),
        },
        hosts={"entity": group.alpha.host, "federation": "localhost", "partner": "localhost"},
        ids=found,
        partner_keys=[all_scopes[0].prefix, few_scopes[0].prefix],
    )


# --- one request ------------------------------------------------------------------------------------


def _known(ids: dict[str, list[str]], name: str) -> list[str]:
    return ids.get(name.removesuffix("_id"), [])


def _with_known_ids(value: Any, ids: dict[str, list[str]], draw: Callable[[Any], Any], key: str = "") -> Any:
    """The body with some references replaced by ids that exist (nested objects and lists too)."""
    if isinstance(value, dict):
        return {k: _with_known_ids(v, ids, draw, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_known_ids(v, ids, draw, key) for v in value]
    known = _known(ids, key)
    if isinstance(value, str) and known and draw(st.booleans()):
        return draw(st.sampled_from(known))
    return value


def _send(case: Any, caller: Caller, host: str) -> tuple[Any, Any]:
    """The case through Django's test client; returns Django's response and Schemathesis's view of it."""
    kwargs = REQUESTS_TRANSPORT.serialize_case(case, base_url=f"http://{host}")
    kwargs.pop("cookies", None)  # the caller's own session, never a generated cookie
    headers = dict(kwargs.get("headers") or {})
    headers.pop("Authorization", None)
    headers.pop("Cookie", None)
    if caller.authorization:
        headers["Authorization"] = caller.authorization
    kwargs["headers"] = headers
    prepared = requests.Request(**kwargs).prepare()
    url = urlsplit(str(prepared.url))
    path = url.path + (f"?{url.query}" if url.query else "")
    body = prepared.body if isinstance(prepared.body, bytes) else (prepared.body or "").encode()
    content_type = (
        headers.pop("Content-Type", None) or prepared.headers.get("Content-Type") or "application/octet-stream"
    )
    extra = {k: v for k, v in headers.items() if k.lower() not in ("content-length", "host")}
    response = caller.client.generic(case.method, path, body, content_type=content_type, headers=extra, HTTP_HOST=host)
    seen = schemathesis.Response(
        status_code=response.status_code,
        headers={k.lower(): [v] for k, v in response.headers.items()},
        content=b"" if response.streaming else response.content,
        request=prepared,
        elapsed=0.0,
        verify=False,
    )
    return response, seen


def _sent(case: Any) -> str:
    return f"{case.method} {case.formatted_path} query={case.query!r:.300} body={case.body!r:.500}"


def _error_code(response: Any) -> str:
    try:
        return str(json.loads(response.content).get("error", {}).get("code", ""))
    except (ValueError, AttributeError):
        return ""


def _error_format_problem(response: Any) -> str | None:
    """Why a 4xx response is not in the project's error format (None when it is)."""
    if not response.headers.get("Content-Type", "").startswith("application/json"):
        return f"not JSON: {response.headers.get('Content-Type')!r} {response.content[:200]!r}"
    try:
        body = json.loads(response.content)
    except ValueError:
        return f"invalid JSON: {response.content[:200]!r}"
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return f"no error object: {body!r:.300}"
    code, message = error.get("code"), error.get("message")
    if not isinstance(code, str) or not CODE.match(code) or code == "error":
        return f"no stable code: {error!r:.300}"
    if not isinstance(message, str) or not message.strip():
        return f"no message: {error!r:.300}"
    return None


# --- the fuzz test ----------------------------------------------------------------------------------


def _operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def _fuzz(operation: Any, mode: GenerationMode, caller: Caller, host: str, world: World, figures: Figures) -> None:
    """Bounded examples of one operation in one generation mode; a finding is recorded in ``figures``."""
    problems: list[str] = []

    def fail(problem: str) -> None:
        problems.append(f"{operation.label}: {problem}")
        raise AssertionError(problems[-1])

    @seed(SEED)
    @hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        # No shrinking: it has no bound on time, and the failing request is reported as it was sent.
        phases=[Phase.explicit, Phase.generate],
        print_blob=False,
    )
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def run(case: Any, data: Any) -> None:
        for name in list(case.path_parameters or {}):
            known = _known(world.ids, name)
            if known and data.draw(st.booleans(), label=f"known {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(known), label=name)
        if isinstance(case.body, (dict, list)) and mode == GenerationMode.POSITIVE:
            case.body = _with_known_ids(case.body, world.ids, data.draw)
        for prefix in world.partner_keys:  # the fuzzer is not testing the rate limit
            caches["default"].delete(f"throttle:partner:{prefix}")
        figures.examples += 1
        with transaction.atomic():
            try:
                response, seen = _send(case, caller, host)
            except Exception:
                figures.server_errors += 1
                fail(f"exception -- {_sent(case)}\n{traceback.format_exc(limit=-10)}")
            finally:
                transaction.set_rollback(True)
        figures.statuses[response.status_code] += 1
        if mode == GenerationMode.POSITIVE and operation.method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
            code = _error_code(response) if response.status_code >= 400 else ""
            figures.writes[f"{operation.method.upper()} {operation.path} {response.status_code} {code}".strip()] += 1
        if response.status_code >= 500:
            figures.server_errors += 1
            fail(f"{response.status_code} {response.content[:500]!r} -- {_sent(case)}")
        if 400 <= response.status_code < 500:
            figures.checked_4xx += 1
            bad = _error_format_problem(response)
            if bad:
                fail(f"{response.status_code} {bad} -- {_sent(case)}")
        try:
            case.validate_response(seen, checks=CHECKS)
        except FailureGroup as failures:
            fail(
                f"{response.status_code} "
                + "; ".join(f"{f.title}: {f.message}"[:400] for f in failures.exceptions)
                + f" -- {_sent(case)}"
            )

    try:
        run()
    except AssertionError as failure:
        figures.findings.append(f"{mode.value} {(problems[0] if problems else str(failure))[:2000]}")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("schema_name", SCHEMAS)
def test_fuzz(schema_name: str, role: str, world: World, fuzz_figures: dict[tuple[str, str], Figures]) -> None:
    schema = _load(schema_name)
    caller, host = world.callers[role], world.hosts[schema_name]
    figures = fuzz_figures[(schema_name, role)] = Figures()
    operations = _operations(schema)
    assert operations, schema_name
    for operation in operations:
        figures.operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, caller, host, world, figures)
    assert not figures.findings, "\n\n".join(figures.findings)
