"""Provisioning by cloning the template: the schema equals the migrations path's, its triggers work,
and a stale template (django-tenants' clone trap) is refused instead of producing a corrupt schema."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django_tenants.utils import schema_exists, tenant_context

from config.db import connection
from tenants.registry.fleet import TEMPLATE_SCHEMA, fleet_migrate, fleet_state
from tenants.registry.models import Domain, Entity
from tenants.registry.services import entity_create, entity_create_from
from tenants.registry.template import TemplateStaleError, schema_clone

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 1, 5)


def _spec(slug: str) -> dict[str, Any]:
    return {
        "slug": slug,
        "display_name": slug,
        "legal_name": f"{slug} SC",
        "country": "BE",
        "legal_form": "SC",
        "company_number": "0403170701",
        "currency": "EUR",
        "languages": ["fr", "en"],
        "default_language": "fr",
        "staff_email": f"staff@{slug}.test",
        "staff_password": "pw-provision-123",
    }


def _rows(sql: str, schema: str) -> list[tuple]:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(sql, {"s": schema})
        rows = cursor.fetchall()
    pattern = re.compile(r'(?<![\w"])"?' + re.escape(schema) + r'"?\.')
    return sorted(tuple(pattern.sub("<S>.", v) if isinstance(v, str) else v for v in row) for row in rows)


STRUCTURE = {
    # Column order, not attnum: a migrated schema keeps holes where migrations dropped columns
    # (contenttypes 0002 drops ``name``); a clone has none, same columns in the same order.
    "columns": """SELECT table_name, column_name,
                         row_number() OVER (PARTITION BY table_name ORDER BY ordinal_position),
                         column_default, is_nullable, data_type,
                         character_maximum_length, numeric_precision, numeric_scale, is_identity,
                         identity_generation, identity_start, identity_increment, is_generated, collation_name
                  FROM information_schema.columns WHERE table_schema = %(s)s""",
    "constraints": """SELECT t.relname, k.conname, k.contype, pg_get_constraintdef(k.oid), k.condeferrable,
                             k.condeferred, k.convalidated
                      FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
                      JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = %(s)s""",
    "table_constraints": """SELECT table_name, constraint_name, constraint_type, is_deferrable, initially_deferred
                            FROM information_schema.table_constraints WHERE table_schema = %(s)s
                            AND constraint_name !~ '^[0-9]+_[0-9]+_[0-9]+_not_null$'""",  # names made of oids
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %(s)s",
    "triggers": """SELECT t.relname, g.tgname, pg_get_triggerdef(g.oid), fn.nspname = %(s)s
                   FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid
                   JOIN pg_namespace n ON n.oid = t.relnamespace
                   JOIN pg_proc p ON p.oid = g.tgfoid JOIN pg_namespace fn ON fn.oid = p.pronamespace
                   WHERE n.nspname = %(s)s AND NOT g.tgisinternal""",
    "information_schema_triggers": """SELECT event_object_table, trigger_name, event_manipulation, action_timing,
                                             action_orientation, action_statement
                                      FROM information_schema.triggers WHERE trigger_schema = %(s)s""",
    "functions": """SELECT p.proname, md5(p.prosrc), pg_get_function_result(p.oid), p.provolatile
                    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %(s)s""",
    "sequences": """SELECT sequencename, data_type, start_value, increment_by, last_value
                    FROM pg_sequences WHERE schemaname = %(s)s""",
    "migrations": "SELECT app, name FROM {s}.django_migrations",
    "content_types": "SELECT id, app_label, model FROM {s}.django_content_type",
    "permissions": "SELECT id, codename, content_type_id FROM {s}.auth_permission",
    "accounts": "SELECT id, kind, code, name FROM {s}.ledger_account",
}


def _structure(schema: str) -> dict[str, list[tuple]]:
    return {key: _rows(sql.replace("{s}", f'"{schema}"'), schema) for key, sql in STRUCTURE.items()}


def test_cloned_schema_is_identical_to_a_migrated_one(group):
    cloned = entity_create(**_spec("t-cloned")).entity
    migrated = entity_create_from("migrations", **_spec("t-migrated")).entity
    a, b = _structure(cloned.schema_name), _structure(migrated.schema_name)
    for key in STRUCTURE:
        assert a[key] == b[key], key
    assert len(a["columns"]) > 200 and len(a["indexes"]) > 60 and len(a["constraints"]) > 100
    # The ledger's and billing's triggers call functions of the entity's own schema; the audit trail's
    # call the shared public.audit_row() / audit_refuse_change().
    own = [t for t in a["triggers"] if not t[1].startswith("audit_")]
    assert len(own) == 8 and all(is_own for *_, is_own in own)
    audited = {t[0] for t in a["triggers"] if t[1] == "audit_row_change"}
    assert {"members_member", "ledger_journalentry", "billing_invoice", "auth_user"} <= audited
    assert set(a["migrations"]) == set(_rows(STRUCTURE["migrations"].replace("{s}", "public"), "x"))


def test_cloned_schema_sequences_continue_after_copied_rows(group):
    entity = entity_create(**_spec("t-seq")).entity
    with tenant_context(entity):
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType

        before = max(Permission.objects.values_list("id", flat=True))
        created = Permission.objects.create(codename="zz", name="zz", content_type_id=1)
        assert created.id == before + 1
        ct = ContentType.objects.create(app_label="zz", model="zz")
        assert ct.id == max(ContentType.objects.exclude(pk=ct.pk).values_list("id", flat=True)) + 1


def test_ledger_and_billing_triggers_work_in_a_cloned_schema(group):
    from tenants.ledger.models import Account, JournalEntry, JournalLine

    entity = entity_create(**_spec("t-trig")).entity
    with tenant_context(entity):
        bank = Account.objects.get(kind="bank")
        levy = Account.objects.get(kind="levy_income")
        # Unbalanced entry: refused by the deferred constraint trigger (checked here at once).
        with pytest.raises(DatabaseError, match="does not balance"), transaction.atomic():
            entry = JournalEntry.objects.create(
                kind="reversal", date=datetime.date(2026, 1, 5), description="x", source="t"
            )
            JournalLine.objects.create(entry=entry, account=bank, amount=Decimal(10), currency="EUR")
            JournalLine.objects.create(entry=entry, account=levy, amount=Decimal(-9), currency="EUR")
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with transaction.atomic():
            entry = JournalEntry.objects.create(
                kind="reversal", date=datetime.date(2026, 1, 5), description="x", source="t"
            )
            JournalLine.objects.create(entry=entry, account=bank, amount=Decimal(10), currency="EUR")
            JournalLine.objects.create(entry=entry, account=levy, amount=Decimal(-10), currency="EUR")
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
            JournalEntry.objects.filter(pk=entry.pk).update(description="edited")
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_first_staff_user_domain_and_provisioners(group):
    created = entity_create(**_spec("t-prov"))
    assert Domain.objects.get(tenant=created.entity).domain == "t-prov.localhost"
    with tenant_context(created.entity):
        from django.contrib.auth import get_user_model

        from tenants.ledger.models import Account

        user = get_user_model().objects.get()
        assert user.username == "staff@t-prov.test" and user.is_superuser and user.check_password("pw-provision-123")
        assert Account.objects.filter(kind="bank").exists()
    assert all(s.up_to_date for s in fleet_state(schemas=[created.entity.schema_name]))


def _make_template_stale() -> None:
    """What a deploy that ran stock migrate_schemas leaves: the template lacks the newest migration of
    an app (here payroll 0002, its tables and its record)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DROP TABLE {TEMPLATE_SCHEMA}.payroll_smoothingfunding, {TEMPLATE_SCHEMA}.payroll_smoothingsalary, "
            f"{TEMPLATE_SCHEMA}.payroll_smoothingagreement_activities, "
            f"{TEMPLATE_SCHEMA}.payroll_smoothingagreement CASCADE"
        )
        cursor.execute(
            f"DELETE FROM {TEMPLATE_SCHEMA}.django_migrations WHERE app = 'payroll' AND name = '0002_smoothing'"
        )


def test_stale_template_is_refused_not_cloned(group):
    """django-tenants' trap: clone a template that missed a migration, then record every migration as
    applied -> a schema without the new tables that claims to have them. Here the clone refuses."""
    _make_template_stale()
    schemas_before = _schema_names()
    with pytest.raises(TemplateStaleError) as refused, transaction.atomic():
        schema_clone("e_t_stale")
    message = str(refused.value)
    assert "payroll.0002_smoothing" in message and "migrate_fleet" in message
    assert _schema_names() == schemas_before
    # The deploy check names it too.
    with pytest.raises(CommandError):
        call_command("migrate_fleet", "--check", verbosity=0)
    (state,) = fleet_state(schemas=[TEMPLATE_SCHEMA])
    assert state.missing == ("payroll.0002_smoothing",)


def test_entity_create_brings_a_stale_template_up_to_date_first(group):
    _make_template_stale()
    entity = entity_create(**_spec("t-healed")).entity
    with tenant_context(entity):
        from tenants.payroll.models import SmoothingAgreement

        assert SmoothingAgreement.objects.count() == 0  # the table exists
    assert all(s.up_to_date for s in fleet_state(schemas=[TEMPLATE_SCHEMA, entity.schema_name]))


def _schema_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def test_template_with_a_migration_the_code_does_not_know_is_refused(group):
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TEMPLATE_SCHEMA}.django_migrations (app, name, applied) VALUES ('ledger', '9999_x', now())"
        )
    with pytest.raises(TemplateStaleError, match="ledger.9999_x"), transaction.atomic():
        schema_clone("e_t_future")
    with pytest.raises(TemplateStaleError, match="ledger.9999_x"):
        entity_create(**_spec("t-future"))  # not healed: the code cannot explain this template
    assert not Entity.objects.filter(slug="t-future").exists()
    assert not schema_exists("e_t_future")


def test_migrate_fleet_repairs_the_stale_template_then_provisioning_works(group):
    _make_template_stale()
    report = fleet_migrate(jobs=1)
    assert report.failed == []
    assert [(r.schema, r.ok, r.applied) for r in report.results] == [(TEMPLATE_SCHEMA, True, 1)]
    entity = entity_create(**_spec("t-after")).entity
    with tenant_context(entity):
        from tenants.payroll.models import SmoothingAgreement

        assert SmoothingAgreement.objects.count() == 0  # the table exists


def test_failure_after_the_clone_leaves_nothing(group, settings):
    settings.ENTITY_PROVISIONERS = [*settings.ENTITY_PROVISIONERS, "tests.registry.test_provisioning.explode"]
    entities = Entity.objects.count()
    with pytest.raises(RuntimeError, match="provisioner failed"):
        entity_create(**_spec("t-boom"))
    assert Entity.objects.count() == entities
    assert not schema_exists("e_t_boom")


def explode() -> None:
    raise RuntimeError("provisioner failed")


# --- provisioning as a task, through the federation API ------------------------------------------

API = "/api/v1/entities/provision/"


def _manager(group):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=group.manager_username))
    return client


def _body(slug: str) -> dict[str, Any]:
    spec = _spec(slug)
    spec.pop("staff_password")
    return spec


def test_api_answers_202_then_the_task_builds_the_entity(group, django_capture_on_commit_callbacks):
    from federation_api.models import ProvisioningRequest
    from federation_api.services import provisioning_run

    client = _manager(group)
    with django_capture_on_commit_callbacks() as sent:
        response = client.post(API, _body("t-api"), content_type="application/json", HTTP_HOST="localhost")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "pending" and body["entity"] is None
    assert response["Location"] == body["status_url"] == f"{API}{body['public_id']}/"
    assert len(sent) == 1  # the task leaves on commit
    assert not Entity.objects.filter(slug="t-api").exists()

    provisioning_run(request_id=body["public_id"])  # what the worker runs
    status = client.get(body["status_url"], HTTP_HOST="localhost").json()
    assert status["status"] == "done" and status["error_code"] == ""
    entity = Entity.objects.get(slug="t-api")
    assert status["entity"] == {
        "public_id": str(entity.public_id),
        "url": "http://t-api.localhost:8000/",
        "staff_username": "staff@t-api.test",
    }
    assert status["seconds"] > 0
    # Replayed message: nothing changes.
    provisioning_run(request_id=body["public_id"])
    assert Entity.objects.filter(slug="t-api").count() == 1
    assert ProvisioningRequest.objects.get(public_id=body["public_id"]).status == "done"


def test_task_records_a_refusal_found_late(group):
    from federation_api.services import provisioning_request_create, provisioning_run

    request = provisioning_request_create(data={**_body("t-late"), "currency": "QQQ"})
    done = provisioning_run(request_id=request.public_id)
    assert (done.status, done.error_code, done.entity) == ("failed", "entity_currency_unknown", None)
    assert not Entity.objects.filter(slug="t-late").exists()


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"display_name": ""}, 400, "provisioning_field_required"),
        ({"slug": "Not A Slug"}, 400, "entity_slug_invalid"),
        ({"slug": "t-alpha"}, 409, "entity_slug_taken"),
    ],
)
def test_api_refusals_write_nothing(group, change, status, code):
    from federation_api.models import ProvisioningRequest

    client = _manager(group)
    before = ProvisioningRequest.objects.count()
    response = client.post(API, {**_body("t-ref"), **change}, content_type="application/json", HTTP_HOST="localhost")
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert ProvisioningRequest.objects.count() == before


def test_api_refuses_a_second_request_for_the_same_name_in_progress(group):
    client = _manager(group)
    first = client.post(API, _body("t-twice"), content_type="application/json", HTTP_HOST="localhost")
    assert first.status_code == 202
    second = client.post(API, _body("t-twice"), content_type="application/json", HTTP_HOST="localhost")
    assert second.status_code == 409 and second.json()["error"]["code"] == "provisioning_in_progress"


def test_api_permissions(group):
    from django.contrib.auth import get_user_model
    from django.test import Client

    anonymous = Client()
    assert anonymous.post(API, _body("t-perm"), content_type="application/json", HTTP_HOST="localhost").status_code in (
        401,
        403,
    )
    # An entity's staff: the URL does not exist on entity subdomains, and a staff login means nothing on the group.
    staff = Client()
    with tenant_context(group.alpha.entity):
        staff.force_login(get_user_model().objects.get(username=group.alpha.staff_username))
    assert (
        staff.post(API, _body("t-perm"), content_type="application/json", HTTP_HOST=group.alpha.host).status_code == 404
    )
    assert not Entity.objects.filter(slug="t-perm").exists()
    missing = _manager(group).get(f"{API}00000000-0000-0000-0000-000000000000/", HTTP_HOST="localhost")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "provisioning_not_found"


def test_group_admin_lists_provisioning_requests_read_only(group):
    from federation_api.services import provisioning_request_create

    provisioning_request_create(data=_body("t-adm"))
    client = _manager(group)
    page = client.get("/admin/federation_api/provisioningrequest/", HTTP_HOST="localhost")
    assert page.status_code == 200 and "t-adm" in page.content.decode()
    assert client.get("/admin/federation_api/provisioningrequest/add/", HTTP_HOST="localhost").status_code == 403


def test_a_provisioning_request_made_while_the_broker_is_down_is_sent_again_by_the_sweep(
    group, monkeypatch, django_capture_on_commit_callbacks
):
    import datetime

    from federation_api import tasks
    from federation_api.models import ProvisioningRequest
    from tests.factories import broker_down

    monkeypatch.setattr(tasks.provision_entity, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = _manager(group).post(API, _body("t-lost"), content_type="application/json", HTTP_HOST="localhost")
    assert response.status_code == 202, response.content  # recorded; the lost message is logged
    request = ProvisioningRequest.objects.get(slug="t-lost", status="pending")

    sent: list[tuple[str, ...]] = []
    monkeypatch.setattr(tasks.provision_entity, "apply_async", lambda args, *a, **k: sent.append(tuple(args)))
    ProvisioningRequest.objects.filter(pk=request.pk).update(
        created_at=request.created_at - datetime.timedelta(minutes=2)
    )
    tasks.jobs_sweep()
    assert (str(request.public_id),) in sent
