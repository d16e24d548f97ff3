from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tenants.registry.models import Entity, EntityStatus

pytestmark = pytest.mark.django_db

ARGS = [
    "--slug",
    "t-cmd",
    "--display-name",
    "Cmd",
    "--legal-name",
    "Cmd SC",
    "--country",
    "BE",
    "--legal-form",
    "SC",
    "--company-number",
    "BE0403170701",
    "--currency",
    "EUR",
    "--languages",
    "fr,en",
    "--default-language",
    "fr",
    "--staff-email",
    "staff@cmd.test",
]


def test_entity_create_and_close_commands(group):
    out = StringIO()
    call_command("entity_create", *ARGS, stdout=out)
    assert "created Cmd (e_t_cmd)" in out.getvalue()
    assert "http://t-cmd.localhost:8000/  staff@cmd.test / " in out.getvalue()
    call_command("entity_close", "t-cmd", "--wind-down", stdout=out)
    assert Entity.objects.get(slug="t-cmd").status == EntityStatus.WINDING_DOWN
    call_command("entity_close", "t-cmd", "--merged-into", "t-alpha", stdout=out)
    closed = Entity.objects.get(slug="t-cmd")
    assert (closed.status, closed.merged_into.slug) == (EntityStatus.CLOSED, "t-alpha")


def test_commands_report_refusals_with_their_code(group):
    count = Entity.objects.count()
    bad = [*ARGS]
    bad[bad.index("BE0403170701")] = "BE0403170702"
    with pytest.raises(CommandError, match=r"\[entity_company_number_invalid\]"):
        call_command("entity_create", *bad)
    with pytest.raises(CommandError, match="No entity with short name 'nope'"):
        call_command("entity_close", "nope")
    assert Entity.objects.count() == count
