"""The audit trail: a change of a watched row writes one record in its own schema (actor, entity,
time, request id, before/after), PostgreSQL refuses to change or delete a record, every watched
table carries the trigger in every schema, and only superusers read the trail."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django_tenants.utils import get_public_schema_name, tenant_context

from audit import context
from audit.models import AuditRecord
from audit.registry import ENTITY_MODELS, PUBLIC_MODELS, TRIGGER
from tenants.members.models import Member
from tenants.registry.models import Entity
from tests.web import forms

pytestmark = pytest.mark.django_db


def _staff(persona) -> Client:
    client = Client()
    with tenant_context(persona.entity):
        client.force_login(get_user_model().objects.get(username=persona.staff_username))
    return client


def test_a_member_registered_through_the_page_is_audited_with_who_and_which_request(group):
    alpha = group.alpha
    client = _staff(alpha)
    response = client.post(
        "/members/new/", forms.member("Auditfield", first_name="Ada"), HTTP_HOST=alpha.host, HTTP_X_REQUEST_ID="req-42"
    )
    assert response.status_code == 302
    assert response["X-Request-ID"] == "req-42"
    with tenant_context(alpha.entity):
        member = Member.objects.get(last_name="Auditfield")
        record = AuditRecord.objects.get(table_name="members_member", row_pk=str(member.pk), operation="INSERT")
    assert record.actor == f"{alpha.entity.slug}:{alpha.staff_username}"
    assert record.request_id == "req-42"
    assert record.entity_id == alpha.entity.pk and record.schema_name == alpha.entity.schema_name
    assert record.before is None and record.after is not None and record.after["last_name"] == "Auditfield"
    # Nothing of it in another entity's trail, nor in the group's.
    for other in group.others(alpha):
        with tenant_context(other.entity):
            assert not AuditRecord.objects.filter(request_id="req-42").exists()
    assert not AuditRecord.objects.filter(request_id="req-42").exists()  # public


def test_an_update_keeps_before_and_after_and_a_no_op_is_not_a_change(group):
    alpha = group.alpha
    token = context.bind("test:auditor", "req-update")
    try:
        with tenant_context(alpha.entity):
            member = Member.objects.order_by("id").first()
            assert member is not None
            old_phone = member.phone
            Member.objects.filter(pk=member.pk).update(phone="+32 2 555 01 01")
            Member.objects.filter(pk=member.pk).update(phone="+32 2 555 01 01")  # nothing changes
            records = list(AuditRecord.objects.filter(request_id="req-update"))
    finally:
        context.unbind(token)
    assert len(records) == 1
    (record,) = records
    assert record.operation == "UPDATE" and record.actor == "test:auditor"
    assert record.before is not None and record.after is not None
    assert record.before["phone"] == old_phone and record.after["phone"] == "+32 2 555 01 01"


def test_secrets_never_reach_the_trail(group):
    user = get_user_model().objects.create_user(username=f"audited-{uuid.uuid4().hex[:6]}", password="s3cret-pw")
    record = AuditRecord.objects.filter(table_name="auth_user", row_pk=str(user.pk)).latest("id")
    assert record.after is not None
    assert "password" not in record.after and record.after["username"] == user.username


def test_records_cannot_be_changed_or_deleted(group):
    with tenant_context(group.alpha.entity):
        record = AuditRecord.objects.order_by("id").first()
        assert record is not None
        for statement in (
            lambda: AuditRecord.objects.filter(pk=record.pk).update(actor="someone else"),
            lambda: AuditRecord.objects.filter(pk=record.pk).delete(),
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                statement()
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_auditrecord")
        assert AuditRecord.objects.get(pk=record.pk).actor == record.actor


def _triggered(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND g.tgname = %s",
            [schema, TRIGGER],
        )
        return {row[0] for row in cursor.fetchall()}


def test_every_watched_table_has_the_trigger_in_every_schema(group):
    from django.apps import apps

    public = {apps.get_model(label)._meta.db_table for label in PUBLIC_MODELS}
    assert public <= _triggered(get_public_schema_name())
    entity_tables = {apps.get_model(label)._meta.db_table for label in ENTITY_MODELS}
    for entity in Entity.objects.all():
        assert entity_tables <= _triggered(entity.schema_name), entity.slug
    # Never on a secret ballot: an audit record carries who and when, which would link a vote to its voter.
    assert "governance_ballot" not in _triggered(get_public_schema_name())


def test_group_records_carry_the_entity_of_public_rows(group):
    from shared_services.referrals.models import Referral

    referral = Referral.objects.filter(entity=group.beta.entity).first()
    assert referral is not None
    record = AuditRecord.objects.filter(table_name="referrals_referral", row_pk=str(referral.pk)).earliest("id")
    assert record.entity_id == group.beta.entity.pk


def test_only_superusers_read_the_trail(group):
    alpha = group.alpha
    with tenant_context(alpha.entity):
        User = get_user_model()
        clerk = User.objects.create_user(username="clerk@alpha.test", is_staff=True)
        boss = User.objects.create_user(username="boss@alpha.test", is_staff=True, is_superuser=True)
    clerk_client, boss_client = Client(), Client()
    with tenant_context(alpha.entity):
        clerk_client.force_login(clerk)
        boss_client.force_login(boss)
    url = "/admin/audit/auditrecord/"
    assert clerk_client.get(url, HTTP_HOST=alpha.host).status_code == 403
    page = boss_client.get(url, HTTP_HOST=alpha.host)
    assert page.status_code == 200 and b"members_member" in page.content
    manager = Client()
    manager.force_login(get_user_model().objects.get(username=group.manager_username))
    assert manager.get(url, HTTP_HOST="localhost").status_code == 200
    outsider = Client()
    outsider.force_login(get_user_model().objects.create_user(username="o@group.test", is_staff=True))
    assert outsider.get(url, HTTP_HOST="localhost").status_code == 403


def test_a_write_outside_any_request_names_the_database_user(group):
    with tenant_context(group.alpha.entity):
        member = Member.objects.order_by("id").first()
        assert member is not None
        Member.objects.filter(pk=member.pk).update(birth_date=datetime.date(1980, 1, 1))
        record = AuditRecord.objects.filter(table_name="members_member", row_pk=str(member.pk)).latest("id")
    assert record.actor.startswith("db:") and record.request_id == ""
