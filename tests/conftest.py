"""Test personas and entities, created once per session (entity creation runs real migrations).

Three entities in three currencies, each seeded with unique canary strings in every text field the
tests can reach; one group manager; one staff user per entity. Named personas:

* ``alice`` — staff of Alpha (BE, EUR, French by default)
* ``bjorn`` — staff of Beta (SE, SEK, English)
* ``gabor`` — staff of Gamma (HU, HUF, German by default), who must never see Alpha's or Beta's data
* ``gina`` — group manager (public schema)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from config.db import connection
from tenants.registry.models import Entity

PROJECT_DIR = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    from config.catalogs import compile_all

    compile_all()  # .mo files are build products (git-ignored); a plain `pytest` builds them too


@dataclass
class EntityPersona:
    entity: Entity
    host: str
    staff_username: str
    staff_password: str
    canaries: list[str] = field(default_factory=list)

    @property
    def canary(self) -> str:
        return self.canaries[0]


@dataclass
class Group:
    alpha: EntityPersona
    beta: EntityPersona
    gamma: EntityPersona
    manager_username: str
    manager_password: str
    # Entities with empty books, for tests that assert exact ledger figures (BE/EUR and HU/HUF).
    books_eur: Entity
    books_huf: Entity

    @property
    def all(self) -> list[EntityPersona]:
        return [self.alpha, self.beta, self.gamma]

    def others(self, persona: EntityPersona) -> list[EntityPersona]:
        return [p for p in self.all if p is not persona]


_SPECS: dict[str, dict[str, Any]] = {
    "alpha": {
        "country": "BE",
        "currency": "EUR",
        "company_number": "BE0403170701",
        "languages": ["fr", "nl", "en"],
        "default_language": "fr",
        "legal_form": "SC",
        "staff": "alice",
    },
    "beta": {
        "country": "SE",
        "currency": "SEK",
        "company_number": "SE556036079301",
        "languages": ["en"],
        "default_language": "en",
        "legal_form": "Ekonomisk förening",
        "staff": "bjorn",
    },
    "gamma": {
        "country": "HU",
        "currency": "HUF",
        "company_number": "HU12892312",
        "languages": ["de", "en"],
        "default_language": "de",
        "legal_form": "Szövetkezet",
        "staff": "gabor",
    },
}


def _clean_books(slug: str, country: str, currency: str, company_number: str, language: str) -> Entity:
    from tenants.registry.services import entity_create

    return entity_create(
        slug=slug,
        display_name=slug,
        legal_name=slug,
        country=country,
        legal_form="SC",
        company_number=company_number,
        currency=currency,
        languages=[language],
        default_language=language,
        staff_email=f"staff@{slug}.test",
    ).entity


def _seed(name: str) -> EntityPersona:
    from tenants.registry.services import entity_create
    from tenants.workspace.models import JobCheck

    spec = dict(_SPECS[name])
    staff = spec.pop("staff")
    tag = uuid.uuid4().hex[:10]
    canary = f"CANARY{name.upper()}{tag}"
    created = entity_create(
        slug=f"t-{name}",
        display_name=f"{name.title()} {canary}D",
        legal_name=f"{name.title()} {canary}L",
        staff_email=f"{staff}@{name}.test",
        staff_password=f"pw-{staff}-{tag}",
        **spec,
    )
    with tenant_context(created.entity):
        user = get_user_model().objects.get(username=created.staff_username)
        user.first_name = f"{canary}F"
        user.last_name = f"{canary}S"
        user.save()
        JobCheck.objects.create(requested_by=f"{canary}J")
        _seed_operations(created.entity, canary)
        from tests.seeds import service_seeders

        for seed_service in service_seeders():
            seed_service(entity=created.entity, canary=canary)
    return EntityPersona(
        entity=created.entity,
        host=created.domain,
        staff_username=created.staff_username,
        staff_password=created.staff_password,
        canaries=[canary] + [f"{canary}{suffix}" for suffix in "DLFSJMNATXCIEPR"],
    )


_VAT = {"BE": "21", "SE": "25", "HU": "27"}


def _seed_operations(entity: Entity, canary: str) -> None:
    """One of everything an entity's staff handle, each text field carrying the entity's canary."""
    import datetime
    from decimal import Decimal

    from tenants.activities.services import activity_create
    from tenants.billing.services import (
        LineInput,
        client_create,
        expense_approve,
        expense_submit,
        payment_record,
        supplier_create,
    )
    from tenants.declarations.services import Performer, declare_performance
    from tenants.members.services import member_create

    day = datetime.date(2026, 1, 5)
    member = member_create(
        kind="natural",
        category="natural_user",
        first_name=f"{canary}M",
        last_name=f"{canary}N",
        birth_date=datetime.date(1980, 1, 1),
        email=f"{canary.lower()}@example.test",
        address=f"{canary}A",
    )
    activity = activity_create(
        name=f"{canary}T",
        currency=entity.currency,
        holder=member,
        on=day,
        stage="development",
        description=f"{canary}X",
    )
    client = client_create(name=f"{canary}C", country=entity.country)
    supplier = supplier_create(name=f"{canary}P", country=entity.country)
    line = LineInput(f"{canary}I", Decimal(1), Decimal(1000), Decimal(_VAT[entity.country]))
    declaration = declare_performance(
        activity=activity,
        client=client,
        lines=[line],
        performers=[Performer(member, Decimal(300))],
        performed_from=day,
        performed_to=day,
        country=entity.country,
        on=day,
        by=f"{canary}R",
    )
    payment_record(invoice=declaration.invoice, amount=Decimal(100), currency=entity.currency, on=day)
    expense = expense_submit(
        activity=activity,
        member=member,
        supplier=supplier,
        description=f"{canary}E",
        amount=Decimal(50),
        currency=entity.currency,
        on=day,
    )
    expense_approve(expense=expense, on=day)


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_keepdb: bool,
    django_db_createdb: bool,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """pytest-django's, except that the test database is always set up. pytest-django sets it up only
    when a collected test has a ``django_db`` mark; a session of committed-mode tests alone (they have
    none: ``group`` + ``django_db_blocker.unblock()``) would otherwise seed ``DATABASE_URL``'s own
    database."""
    from django.test.utils import setup_databases, teardown_databases

    keepdb = django_db_keepdb and not django_db_createdb
    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=request.config.option.verbose, interactive=False, aliases={"default"}, keepdb=keepdb
        )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=request.config.option.verbose)


@pytest.fixture(scope="session")
def group(django_db_setup, django_db_blocker) -> Iterator[Group]:
    from tenants.registry.routing import routing_cache

    with django_db_blocker.unblock():
        alpha, beta, gamma = (_seed(name) for name in ("alpha", "beta", "gamma"))
        manager_password = f"pw-gina-{uuid.uuid4().hex[:8]}"
        get_user_model().objects.create_user(
            username="gina@group.test",
            email="gina@group.test",
            password=manager_password,
            is_staff=True,
            is_superuser=True,
        )
        books_eur = _clean_books("t-books-eur", "BE", "EUR", "0403170701", "fr")
        books_huf = _clean_books("t-books-huf", "HU", "HUF", "12892312", "en")
    yield Group(alpha, beta, gamma, "gina@group.test", manager_password, books_eur, books_huf)
    # The listener holds a connection to the test database, which is about to be dropped.
    routing_cache.stop()


def database_url() -> str:
    """URL of the test database, for processes the tests start (the Celery worker)."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    host = db.get("HOST") or ""
    if host.startswith("/"):
        return f"postgresql://{auth}@/{db['NAME']}?host={host}"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{auth}@{host}{port}/{db['NAME']}"


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
            "CELERY_TASK_DEFAULT_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
            "PYTHONPATH": os.pathsep.join([str(PROJECT_DIR), str(PROJECT_DIR / "platform")]),
        }
    )
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def celery_worker_process(group, django_db_blocker):
    """A real worker process on the test database and this session's own queues."""
    from config.celery import app, queue_for

    node = f"test-{os.getpid()}@localhost"
    (PROJECT_DIR / "var").mkdir(exist_ok=True)
    log = open(PROJECT_DIR / "var" / f"test-worker-{os.getpid()}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config.celery",
            "worker",
            "--pool",
            "solo",
            "-n",
            node,
            "-Q",
            f"{settings.CELERY_TASK_DEFAULT_QUEUE},{queue_for('provisioning')}",
            "-l",
            "INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        env=subprocess_env(),
        cwd=PROJECT_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[node], timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log.close()
            raise RuntimeError(f"test worker did not start; see {log.name}")
    yield process
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    Path(log.name).unlink(missing_ok=True)


from .factories import in_books_eur, in_books_huf  # noqa: E402, F401  (fixtures shared by every test module)


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """A request activates its entity's language in the test's thread (as in a server's worker
    thread, where the next request activates its own); each test starts from the default."""
    from django.utils import translation

    yield
    translation.deactivate()
