"""The application's database role (``manage.py db_roles``): it serves the application's requests and
services, and can do nothing to the schema: no ALTER, DROP or TRUNCATE, no trigger disabled, no schema
or table created. Entity provisioning runs as the owner (``as_owner``) and what it creates is granted
to the application role by the owner's default privileges.

The role is created on the test database's server with a unique name and dropped at the end."""

from __future__ import annotations

import datetime
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import ProgrammingError, transaction
from django.test import Client, override_settings
from django_tenants.utils import tenant_context

from config.db import connection
from tenants.registry.models import Entity
from tenants.registry.services import entity_create


@pytest.fixture(scope="module")
def app_role(group, django_db_blocker) -> Iterator[str]:
    name = f"{connection.settings_dict['NAME']}_app_{os.getpid()}"[:63]
    with django_db_blocker.unblock():
        call_command("db_roles", app_role=name, stdout=open(os.devnull, "w"))  # noqa: SIM115
    yield name
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{name}"')
        cursor.execute(f'DROP ROLE "{name}"')


def _role_connection(role: str) -> psycopg.Connection[Any]:
    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"], user=role, host=db["HOST"] or None, port=db["PORT"] or None, autocommit=True
    )


@contextmanager
def as_role(role: str) -> Iterator[None]:
    """The default connection acts as ``role`` (SET ROLE) for the block: requests and services of the
    test run under its privileges and its row-level security."""
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


@pytest.mark.django_db
def test_the_command_makes_a_role_that_is_no_superuser_and_owns_nothing(app_role, capsys):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = %s",
            [app_role],
        )
        assert cursor.fetchone() == (False, False, False, False, True)
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = %s)", [app_role]
        )
        assert cursor.fetchone()[0] == 0
    call_command("db_roles", app_role=app_role)  # again: idempotent
    assert f"Role {app_role} updated" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_app_role_serves_pages_api_and_the_books(group, app_role):
    from tests.api.conftest import Api

    eur = Api(f"{group.books_eur.slug}.localhost", group.books_eur, "staff@t-books-eur.test")
    manager = Client()
    manager.force_login(get_user_model().objects.get(username=group.manager_username))
    with as_role(app_role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == app_role
        member = eur.ok(
            "post",
            "members/",
            {
                "kind": "natural",
                "category": "natural_user",
                "first_name": "Rosa",
                "last_name": "Role",
                "email": "rosa@example.test",
            },
            status=201,
        )
        activity = eur.ok(
            "post",
            "activities/",
            {"name": "Tour", "holder": member["id"], "stage": "start", "on": "2026-03-02"},
            status=201,
        )
        client = eur.ok("post", "clients/", {"name": "Salle", "country": "be"}, status=201)
        declaration = eur.ok(
            "post",
            "declarations/",
            {
                "activity": activity["id"],
                "client": client["id"],
                "lines": [{"description": "A concert", "quantity": "1", "unit_price": "500.00", "vat_rate": "21"}],
                "performers": [{"member": member["id"], "gross": "300.00"}],
                "performed_from": "2026-03-02",
                "performed_to": "2026-03-02",
                "country": "BE",
            },
            status=201,
        )
        assert declaration["invoice_summary"]["total_gross"]["amount"] == "605.00"
        balance = eur.ok("get", "ledger/trial-balance/")
        assert balance
        assert eur.client.get("/members/", HTTP_HOST=eur.host).status_code == 200
        assert manager.get("/dashboard/", HTTP_HOST="localhost").status_code == 200
        assert manager.get("/api/v1/federation/figures/", HTTP_HOST="localhost").status_code == 200
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == app_role


LEDGER = "ledger_journalentry"


@pytest.mark.django_db
def test_the_app_role_cannot_change_the_schema_or_the_ledgers_guards(group, app_role):
    schema = group.alpha.entity.schema_name
    table = f'"{schema}".{LEDGER}'
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        before = cursor.fetchone()[0]
    assert before > 0
    refused = [
        f"DROP TABLE {table}",
        f"TRUNCATE {table}",
        f"ALTER TABLE {table} ADD COLUMN sneaky integer",
        f"ALTER TABLE {table} DISABLE TRIGGER ALL",
        f"ALTER TABLE {table} DISABLE TRIGGER ledger_entry_immutable",
        f"DROP TRIGGER ledger_entry_immutable ON {table}",
        f"ALTER TABLE {table} OWNER TO CURRENT_USER",
        "ALTER TABLE public.shared_services_poolentry DISABLE TRIGGER shared_pool_entry_immutable",
        "DROP TABLE public.entities_entity",
        "TRUNCATE public.django_session",
        "SET session_replication_role = replica",
        "CREATE TABLE public.sneaky (id integer)",
        f'CREATE TABLE "{schema}".sneaky (id integer)',
        "CREATE SCHEMA sneaky",
        "ALTER ROLE CURRENT_USER SUPERUSER",
        "ALTER ROLE CURRENT_USER BYPASSRLS",
        f"INSERT INTO \"{schema}\".django_migrations (app, name, applied) VALUES ('x', 'y', now())",
    ]
    with _role_connection(app_role) as role:
        assert role.execute(f"SELECT count(*) FROM {table}").fetchone() == (before,)  # it may read
        for statement in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                role.execute(statement)
        # The immutability triggers still hold for it: a posted entry cannot be changed or removed.
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="immutable"):
            role.execute(f"UPDATE {table} SET description = 'rewritten'")
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="immutable"):
            role.execute(f"DELETE FROM {table}")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone()[0] == before
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = 'ledger_entry_immutable' AND tgrelid = %s::regclass",
            [f"{schema}.{LEDGER}"],
        )
        assert cursor.fetchone()[0] == "O"  # enabled


@contextmanager
def _default_connection_as(role: str) -> Iterator[None]:
    connection.close()
    saved = connection.settings_dict["USER"]
    connection.settings_dict["USER"] = role
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["USER"] = saved


def _spec(slug: str) -> dict[str, Any]:
    return {
        "slug": slug,
        "display_name": slug,
        "legal_name": f"{slug} SC",
        "country": "BE",
        "legal_form": "SC",
        "company_number": "0403170701",
        "currency": "EUR",
        "languages": ["en"],
        "default_language": "en",
        "staff_email": f"staff@{slug}.test",
        "staff_password": "roles-pw-1",
        "is_demo": True,
    }


def test_provisioning_runs_as_the_owner_and_the_app_role_uses_what_it_made(group, app_role, django_db_blocker):
    """Outside the test's transaction (provisioning commits a schema): the default connection logs in as
    the app role, as web and workers do in production."""
    owner = {key: connection.settings_dict[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}
    slug = f"t-roles-{uuid.uuid4().hex[:6]}"
    with django_db_blocker.unblock(), _default_connection_as(app_role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == app_role
        # Without an owner role the application's own role cannot provision: refused, nothing kept.
        with pytest.raises(ProgrammingError, match="permission denied"):
            entity_create(**_spec(slug))
        assert not Entity.objects.filter(slug=slug).exists()
        with override_settings(DATABASE_OWNER=owner):
            created = entity_create(**_spec(slug))
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == app_role  # back to the app role after provisioning
            cursor.execute(
                "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s",
                [created.entity.schema_name],
            )
            assert [row[0] for row in cursor.fetchall()] == [owner["USER"]]
        # The new entity serves its staff through the app role: sign-in writes its session table.
        host = f"{slug}.localhost"
        signed_in = Client().post(
            "/accounts/login/", {"username": f"staff@{slug}.test", "password": "roles-pw-1"}, HTTP_HOST=host
        )
        assert signed_in.status_code == 302
        with tenant_context(created.entity):
            assert get_user_model().objects.get(username=f"staff@{slug}.test").last_login is not None


# ---- row-level security on the public tables that carry an entity id ------------------------------

RLS_TABLES = {
    "legal_aid_legalcase",
    "insurance_coverage",
    "insurance_claim",
    "referrals_referral",
    "financing_subsidyadvance",
    "financing_equipmentloan",
    "guarantee_fundmovement",
    "guarantee_fundlimit",
    "guarantee_exposuresnapshot",
    "shared_services_poolentry",
    "shared_services_poolline",
    "federation_api_fact",
    "federation_api_memberfact",
    "federation_api_appliedevent",
    "federation_api_drainstate",
    "federation_api_dashboardjob",
    "federation_api_provisioningrequest",
    "entities_entityevent",
}


def _case_in(persona: Any) -> Any:
    from shared_services.legal_aid.services import case_request
    from tests.factories import member

    with tenant_context(persona.entity):
        someone = member()
        return case_request(
            entity=persona.entity,
            member_ids=[someone.public_id],
            kind="individual",
            area="contract",
            request=f"help {persona.canary}",
            by="test",
        )


@pytest.mark.django_db
def test_row_level_security_keeps_an_entity_to_its_own_rows(group, app_role):
    from shared_services.legal_aid.models import LegalCase

    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_policies WHERE policyname = 'entity_isolation'")
        assert {row[0] for row in cursor.fetchall()} == RLS_TABLES
    alpha_case, beta_case = _case_in(group.alpha), _case_in(group.beta)
    everyone = set(LegalCase.objects.values_list("entity_id", flat=True))
    assert {group.alpha.entity.pk, group.beta.entity.pk} <= everyone

    with as_role(app_role):
        connection.set_tenant(group.alpha.entity)
        try:
            # The buggy queries: no filter on the entity, or another entity's filter.
            assert set(LegalCase.objects.values_list("entity_id", flat=True)) == {group.alpha.entity.pk}
            assert not LegalCase.objects.filter(entity=group.beta.entity).exists()
            assert not LegalCase.objects.filter(pk=beta_case.pk).exists()
            assert LegalCase.objects.filter(pk=beta_case.pk).update(summary="overwritten") == 0
            assert LegalCase.objects.filter(pk=alpha_case.pk).update(summary="own") == 1
            with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
                LegalCase.objects.filter(pk=alpha_case.pk).update(entity=group.beta.entity)
            # A group-wide numbering asked from Alpha still counts every entity's cases.
            third = _case_in(group.alpha)
            assert third.reference not in {alpha_case.reference, beta_case.reference}
        finally:
            connection.set_schema_to_public()
        # On the group domain (public schema): every entity's rows.
        assert {group.alpha.entity.pk, group.beta.entity.pk} <= set(
            LegalCase.objects.values_list("entity_id", flat=True)
        )
    LegalCase.objects.get(pk=beta_case.pk, summary="")


@pytest.mark.django_db
def test_entity_service_pages_work_under_row_level_security(group, app_role):
    _case_in(group.alpha)
    _case_in(group.beta)
    staff = Client()
    with tenant_context(group.alpha.entity):
        staff.force_login(get_user_model().objects.get(username=group.alpha.staff_username))
    with as_role(app_role):
        for path in (
            "/services/",
            "/services/legal/",
            "/services/insurance/",
            "/services/financing/",
            "/services/referrals/",
            "/services/guarantee/",
        ):
            page = staff.get(path, HTTP_HOST=group.alpha.host)
            assert page.status_code == 200, path
            assert group.beta.canary not in page.content.decode()


@pytest.mark.django_db
def test_payouts_pool_postings_and_drains_from_an_entity_work_under_row_level_security(group, app_role):
    """The entity-side paths that touch the guarantee fund, the pools and the federation's read model,
    run through the application role in Alpha's context: each writes Alpha's rows only, and the
    group-wide figures they need (the fund's and the pool's cash, the limits) are still the group's."""
    from federation_api.consolidation import entity_drain
    from federation_api.models import Fact
    from shared_services.financing import services as financing
    from shared_services.financing.models import AdvanceStatus
    from shared_services.guarantee import services as guarantee
    from shared_services.guarantee.models import FundMovement, MovementStatus
    from shared_services.guarantee.selectors import available_cash
    from shared_services.models import PoolLine
    from tests.financing.test_financing import _grant
    from tests.guarantee.conftest import declare, endow
    from tests.guarantee.test_fund import FRIDAY

    alpha, other = group.alpha.entity, group.books_eur  # both Belgian: the declarations are
    endow("100000.00")  # the group's money: pool lines of no entity
    financing.financing_endow(amount=Decimal("50000.00"), currency="EUR", key=uuid.uuid4().hex, on=FRIDAY)
    other_perf = declare(other, to=FRIDAY)
    with tenant_context(other):  # another entity's pending advance weighs on the fund's cash
        guarantee.guarantee_wage_pay(contract_id=other_perf.contract_id, on=datetime.date(2026, 3, 17))
    group_cash = available_cash("EUR")
    alpha_perf = declare(alpha, to=FRIDAY)

    with as_role(app_role):
        connection.set_tenant(alpha)
        try:
            # Plain reads see Alpha's rows only (no endowment, no other entity's movement)...
            assert set(FundMovement.objects.values_list("entity_id", flat=True)) <= {alpha.pk}
            assert set(PoolLine.objects.values_list("entity_id", flat=True)) <= {alpha.pk}
            with transaction.atomic():
                assert available_cash("EUR") != group_cash
            # ...while the payout decision reads the group's cash and limits, and posts Alpha's rows.
            movement = guarantee.guarantee_wage_pay(contract_id=alpha_perf.contract_id, on=datetime.date(2026, 3, 17))
            assert movement is not None and movement.entity_id == alpha.pk and movement.amount == Decimal("675.00")
            guarantee.movement_execute(movement_id=movement.public_id)
            assert FundMovement.objects.get(pk=movement.pk).status == MovementStatus.EXECUTED
            with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
                FundMovement.objects.filter(pk=movement.pk).update(entity=other)
            # A subsidy advance paid out of the financing pool (the pool's cash is the group's).
            from tests import factories

            grant = _grant(factories.activity())
            advance = financing.advance_request(grant_id=grant.public_id, amount=Decimal("1000.00"), by="alice")
            paid = financing.advance_decide(advance_id=advance.public_id, approve=True, on=FRIDAY, by="fin")
            assert paid.status == AdvanceStatus.PAID
            # The drain counts Alpha's ledger into the group's facts: Alpha's rows only.
            assert entity_drain(entity=alpha) > 0
            assert set(Fact.objects.values_list("entity_id", flat=True)) == {alpha.pk}
        finally:
            connection.set_schema_to_public()
        # On the group domain the application role sees every entity's rows.
        assert {alpha.pk, other.pk} <= set(FundMovement.objects.values_list("entity_id", flat=True))
    with transaction.atomic():
        assert available_cash("EUR") == group_cash - Decimal("675.00")
