"""The consolidation read model: drained facts equal the entities' books, whatever the order,
however often events are replayed, and after a rebuild."""

from __future__ import annotations

import io
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tenants.utils import tenant_context

from federation_api import consolidation
from federation_api.models import AppliedEvent, DrainState, Fact
from tenants.ledger import consolidation_port as port

pytestmark = pytest.mark.django_db


def _facts(entity) -> dict[tuple, tuple[Decimal, int]]:
    return {
        (f.period, f.activity_stage, f.flow, f.account_kind, f.currency): (f.amount, f.entries)
        for f in Fact.objects.filter(entity=entity)
    }


def test_drain_reconciles_with_every_entity_and_marks_events_published(group):
    for persona in group.all:
        applied = consolidation.entity_drain(entity=persona.entity, batch=7)
        assert applied > 0
        assert consolidation.entity_reconcile(entity=persona.entity) == []
        with tenant_context(persona.entity):
            assert port.unpublished_count() == 0
        state = DrainState.objects.get(entity=persona.entity)
        assert state.last_drained_at is not None and state.events_applied == applied
    # A second drain finds nothing and changes nothing.
    before = _facts(group.alpha.entity)
    assert consolidation.entity_drain(entity=group.alpha.entity) == 0
    assert _facts(group.alpha.entity) == before


def test_facts_hold_only_their_entity(group):
    # (Entities of committed-mode tests may hold facts already; the group's own do not.)
    before = set(Fact.objects.values_list("entity_id", flat=True))
    assert not before & {p.entity.pk for p in group.all}
    consolidation.entity_drain(entity=group.alpha.entity)
    assert set(Fact.objects.values_list("entity_id", flat=True)) == before | {group.alpha.entity.pk}
    alpha = Fact.objects.filter(entity=group.alpha.entity)
    assert set(alpha.values_list("currency", flat=True)) == {"EUR"}
    assert set(alpha.values_list("country", flat=True)) == {"BE"}


def test_replaying_and_reordering_events_changes_no_figure(group):
    entity = group.beta.entity
    consolidation.entity_drain(entity=entity)
    expected = _facts(entity)
    with tenant_context(entity):
        events = port.all_events(after_id=0, limit=10_000)
    Fact.objects.filter(entity=entity).delete()
    AppliedEvent.objects.filter(entity=entity).delete()
    rng = random.Random(5)  # noqa: S311 - a reproducible shuffle
    replayed = events + rng.sample(events, len(events) // 2)
    rng.shuffle(replayed)
    with tenant_context(entity):
        for start in range(0, len(replayed), 3):
            consolidation.events_apply(entity=entity, events=replayed[start : start + 3])
    assert _facts(entity) == expected
    assert consolidation.entity_reconcile(entity=entity) == []


def test_rebuild_gives_the_drained_figures(group):
    entity = group.gamma.entity
    consolidation.entity_drain(entity=entity)
    expected = _facts(entity)
    call_command("federation_rebuild", entity=[entity.slug], stdout=io.StringIO())
    assert _facts(entity) == expected
    # Events replayed after a rebuild are still counted once.
    with tenant_context(entity):
        consolidation.events_apply(entity=entity, events=port.all_events(after_id=0, limit=10_000))
    assert _facts(entity) == expected


def test_reconcile_names_each_difference_and_exits_1(group, capsys):
    entity = group.alpha.entity
    consolidation.entity_drain(entity=entity)
    call_command("federation_reconcile", entity=[entity.slug])
    assert "t-alpha: OK" in capsys.readouterr().out
    fact = Fact.objects.filter(entity=entity, account_kind="levy_income").order_by("period").first()
    assert fact is not None
    Fact.objects.filter(pk=fact.pk).update(amount=fact.amount + Decimal("0.01"))
    with pytest.raises(CommandError) as refused:
        call_command("federation_reconcile", entity=[entity.slug])
    assert refused.value.returncode == 1
    out = capsys.readouterr().out
    assert f"t-alpha {fact.period:%Y-%m} levy_income EUR" in out and "off by 0.01" in out


def test_undrained_events_show_as_differences(group):
    entity = group.alpha.entity
    differences = consolidation.entity_reconcile(entity=entity)
    assert differences and all(d.consolidated == 0 for d in differences)


def test_the_drain_task_runs_in_an_entity_only(group):
    from config.tasks import TenantRequiredError
    from federation_api.tasks import entity_drain

    with pytest.raises(TenantRequiredError):
        entity_drain.apply()
    with tenant_context(group.alpha.entity):
        result = entity_drain.apply()
    assert result.get() > 0
    assert consolidation.entity_reconcile(entity=group.alpha.entity) == []


def test_drain_all_sends_one_drain_per_entity(group, monkeypatch):
    from federation_api import tasks

    sent: list[str] = []
    monkeypatch.setattr(tasks.entity_drain, "apply_async", lambda *a, **k: sent.append(tasks.connection.schema_name))
    assert tasks.drain_all.apply().get() == len(sent)
    assert {p.entity.schema_name for p in group.all} <= set(sent)
