"""Demo setup of the mutualised services (called by ``seed_demo``; idempotent)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from .models import Team
from .services import team_member_add

# The guarantee fund's starting capital in the demo, per currency of the demo entities.
FUND_ENDOWMENT = {"EUR": Decimal("500000.00"), "SEK": Decimal("5500000.00"), "HUF": Decimal("200000000")}


def services_demo_setup(*, manager_username: str) -> None:
    from .financing.services import financing_endow
    from .guarantee.services import guarantee_endow

    user = get_user_model().objects.get(username=manager_username)
    # In the demo the group manager may open every service's pages (in production team membership is
    # granted one by one, and the legal team is kept to the lawyers).
    for team in Team:
        team_member_add(user_id=user.pk, team=team)
    for currency, amount in FUND_ENDOWMENT.items():
        guarantee_endow(
            amount=amount, currency=currency, key=f"demo-{currency}", on=datetime.date(2026, 1, 1), by="seed_demo"
        )
        financing_endow(
            amount=amount / 2, currency=currency, key=f"demo-{currency}", on=datetime.date(2026, 1, 1), by="seed_demo"
        )
