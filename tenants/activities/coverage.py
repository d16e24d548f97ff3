"""Can the activity pay this outflow? Its ledger balance must cover it, unless the salary guarantee
fund covers the shortfall (the fund lives in the shared services; ``settings.OUTFLOW_GUARANTEE``
names the function that asks it)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string

from tenants.ledger.selectors import activity_balance

from . import errors
from .models import Activity


def no_guarantee(*, activity: Activity, currency: str, cost: Decimal, shortfall: Decimal, purpose: str) -> str | None:
    """Default until the guarantee fund is connected: nothing is covered."""
    return None


def activity_require_cover(*, activity: Activity, currency: str, cost: Decimal, purpose: str) -> str:
    """Return "" when the balance covers ``cost``, the guarantee reference when the fund covers the
    shortfall; otherwise refuse with the figures."""
    balance = activity_balance(activity.pk, currency)
    if balance >= cost:
        return ""
    shortfall = cost - balance
    guarantee = import_string(settings.OUTFLOW_GUARANTEE)
    reference = guarantee(activity=activity, currency=currency, cost=cost, shortfall=shortfall, purpose=purpose)
    if reference:
        return str(reference)
    raise errors.catalog.error(
        errors.NOT_COVERED, status=409, balance=balance, cost=cost, shortfall=shortfall, currency=currency
    )
