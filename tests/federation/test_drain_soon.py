"""Committed mode (no test transaction around it: the hook runs after a real commit).

A committed ledger entry asks for a drain of its entity at once (``OUTBOX_HOOKS``): with a real
worker and no periodic sweep running, the group's facts follow the entry; a rolled-back entry asks
for nothing."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django_tenants.utils import tenant_context

from federation_api.models import Fact
from federation_api.tasks import DRAIN_PENDING
from tenants.ledger.models import AccountKind, EntryKind
from tenants.ledger.services import Posting, account, entry_post
from tests.guarantee.conftest import entity_for_test


def _post(entity, amount: str) -> None:
    with tenant_context(entity):
        entry_post(
            kind=EntryKind.INVOICE_ISSUED,
            on=datetime.date(2026, 1, 15),
            description="drain soon",
            source="test",
            postings=[
                Posting(account(AccountKind.CLIENT_RECEIVABLE), Decimal(amount), "EUR"),
                Posting(account(AccountKind.LEVY_INCOME), -Decimal(amount), "EUR"),
            ],
        )


def _levy(entity) -> Decimal:
    return -sum((f.amount for f in Fact.objects.filter(entity=entity, account_kind="levy_income")), Decimal(0))


@override_settings(OUTBOX_HOOKS=["federation_api.tasks.outbox_written"])
def test_a_committed_entry_is_drained_without_waiting_for_the_sweep(group, celery_worker_process, django_db_blocker):
    with django_db_blocker.unblock():
        entity = entity_for_test("drain-soon")
        # Rolled back: no drain asked for.
        with transaction.atomic():
            _post(entity, "5.00")
            transaction.set_rollback(True)
        with tenant_context(entity):
            assert cache.get(DRAIN_PENDING) is None
        for expected in ("12.34", "24.68"):
            _post(entity, "12.34")
            deadline = time.monotonic() + 20
            while _levy(entity) != Decimal(expected):
                assert time.monotonic() < deadline, "the entry was not drained"
                time.sleep(0.05)
        # The drain cleared its flag: the next entry asks again (the second loop above proved it).
        with tenant_context(entity):
            assert cache.get(DRAIN_PENDING) is None


def test_a_parallel_rebuild_equals_the_books(group, django_db_blocker):
    """``federation_rebuild`` runs two entities at once, each on its own connection (committed data)."""
    from federation_api import consolidation

    with django_db_blocker.unblock():
        entities = [entity_for_test("rebuild-a"), entity_for_test("rebuild-b")]
        for n, entity in enumerate(entities):
            _post(entity, f"{10 + n}.00")
        counts = consolidation.rebuild_all(entities=entities, jobs=2)
        assert counts == {entity.slug: 1 for entity in entities}
        for n, entity in enumerate(entities):
            assert consolidation.entity_reconcile(entity=entity) == []
            assert _levy(entity) == Decimal(f"{10 + n}.00")
