"""The single percentage as group policy data (C3): Belgium 6.5 %, France 8.5 % (2018), a group
default for the other countries. The split of what it funds is illustrative demo data, editable."""

import datetime
from decimal import Decimal

from django.db import migrations

POLICIES = [
    ("", Decimal("6.50"), datetime.date(2016, 1, 1), "Group default"),
    ("BE", Decimal("6.50"), datetime.date(2016, 1, 1), "SMart Belgium: 6.5 % of the amount invoiced excl. VAT"),
    ("FR", Decimal("8.50"), datetime.date(2018, 1, 1), "SMart France, 2018"),
]
SPLIT = [
    ("invoicing_payroll", Decimal("30")),
    ("guarantee_fund", Decimal("25")),
    ("insurance", Decimal("15")),
    ("legal_aid", Decimal("10")),
    ("advice_training", Decimal("10")),
    ("governance_tools", Decimal("10")),
]


def forwards(apps, schema_editor):
    LevyPolicy = apps.get_model("entities", "LevyPolicy")
    LevyAllocation = apps.get_model("entities", "LevyAllocation")
    for country, rate, effective_from, note in POLICIES:
        policy, _ = LevyPolicy.objects.get_or_create(
            country=country, effective_from=effective_from, defaults={"rate": rate, "note": note}
        )
        for purpose, share in SPLIT:
            LevyAllocation.objects.get_or_create(policy=policy, purpose=purpose, defaults={"share": share})


class Migration(migrations.Migration):
    dependencies = [("entities", "0003_persons_levy_policy")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
