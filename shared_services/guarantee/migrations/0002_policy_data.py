"""The fund's starting policy, as data the fund's team edits afterwards: the dunning ladder and the
default limits per entity and per client in the group's currencies."""

from decimal import Decimal

from django.db import migrations

LADDER = [("reminder", 7), ("formal_notice", 30), ("cover", 60)]
# Default ceilings of what the fund may have at stake (advances + covers not recovered).
LIMITS = {
    "EUR": (Decimal("250000"), Decimal("25000")),
    "SEK": (Decimal("2750000"), Decimal("275000")),
    "HUF": (Decimal("100000000"), Decimal("10000000")),
}


def forwards(apps, schema_editor):
    DunningRule = apps.get_model("guarantee", "DunningRule")
    FundLimit = apps.get_model("guarantee", "FundLimit")
    for step, days in LADDER:
        DunningRule.objects.get_or_create(step=step, defaults={"days_after_due": days})
    for currency, (per_entity, per_client) in LIMITS.items():
        FundLimit.objects.get_or_create(scope="entity", entity=None, currency=currency, defaults={"amount": per_entity})
        FundLimit.objects.get_or_create(scope="client", entity=None, currency=currency, defaults={"amount": per_client})


class Migration(migrations.Migration):
    dependencies = [("guarantee", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
