""" "Declare once" (C2-C4): one declaration of a performance by staff creates the document (invoice or
funding agreement), the contract(s), the levy and every ledger posting, in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from config.db import connection
from tenants.activities.models import Activity
from tenants.billing.models import Client
from tenants.billing.services import LineInput, document_create, document_issue
from tenants.members.models import Member
from tenants.payroll.services import contract_sign

from .checks import DeclarationFacts, PerformerFacts, declaration_checks_run
from .models import Declaration


@dataclass(frozen=True)
class Performer:
    member: Member
    gross: Decimal
    kind: str = "wage"


def declare_performance(
    *,
    activity: Activity,
    client: Client,
    lines: Sequence[LineInput],
    performers: Sequence[Performer],
    performed_from: datetime.date,
    performed_to: datetime.date,
    country: str,
    document_kind: str = "invoice",
    on: datetime.date | None = None,
    by: str = "",
) -> Declaration:
    """All of it or nothing: any refusal (a bad VAT rate, a contract the balance cannot cover...)
    leaves no document, contract or posting behind."""
    on = on or performed_to
    with transaction.atomic():
        declaration_checks_run(
            DeclarationFacts(
                entity_id=int(getattr(connection.tenant, "pk", 0) or 0),
                activity_id=activity.public_id,
                activity_name=activity.name,
                currency=activity.currency,
                country=country.upper(),
                performed_from=performed_from,
                performed_to=performed_to,
                performers=tuple(
                    PerformerFacts(
                        member_id=p.member.public_id,
                        person_id=p.member.person_id,
                        display_name=p.member.display_name,
                        kind=p.kind,
                        gross=p.gross,
                    )
                    for p in performers
                ),
            )
        )
        invoice = document_create(
            kind=document_kind, activity=activity, client=client, currency=activity.currency, lines=lines
        )
        invoice = document_issue(invoice=invoice, on=on, by=by)
        contracts = [
            contract_sign(
                member=performer.member,
                activity=activity,
                kind=performer.kind,
                starts_on=performed_from,
                ends_on=performed_to,
                country=country,
                gross=performer.gross,
                currency=activity.currency,
                by=by,
            )
            for performer in performers
        ]
        declaration = Declaration.objects.create(
            activity=activity,
            invoice=invoice,
            performed_from=performed_from,
            performed_to=performed_to,
            country=country.upper(),
            declared_by=by,
        )
        declaration.contracts.set(contracts)
    return declaration
