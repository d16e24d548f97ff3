"""The group's policies as data (the insurance team maintains them in the group admin afterwards):
civil liability and work accidents across Europe, and missions abroad in the countries where the
group's members most often perform. A performance anywhere else is refused until cover is arranged."""

from decimal import Decimal

from django.db import migrations

EUROPE = (
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO CH GB"
).split()
MISSIONS = "US CA MX BR AR CL JP KR CN IN AU NZ ZA MA TN SN CI TR IL AE".split()

POLICIES = [
    ("civil_liability", "Civil liability, Europe", "GRP-CL-EU-2020", EUROPE, Decimal("2500000"), Decimal("250")),
    ("work_accident", "Work accidents, Europe", "GRP-WA-EU-2020", EUROPE, Decimal("1000000"), Decimal("0")),
    ("civil_liability", "Civil liability, missions abroad", "GRP-CL-MI-2020", MISSIONS, Decimal("2500000"),
     Decimal("500")),
    ("work_accident", "Work accidents, missions abroad", "GRP-WA-MI-2020", MISSIONS, Decimal("1000000"),
     Decimal("0")),
]


def forwards(apps, schema_editor):
    import datetime

    InsurancePolicy = apps.get_model("insurance", "InsurancePolicy")
    for kind, name, number, countries, limit, deductible in POLICIES:
        InsurancePolicy.objects.get_or_create(
            number=number,
            defaults={
                "kind": kind,
                "name": name,
                "insurer": "Group insurer (demo contract)",
                "countries": countries,
                "valid_from": datetime.date(2020, 1, 1),
                "claim_limit": limit,
                "deductible": deductible,
                "currency": "EUR",
            },
        )


class Migration(migrations.Migration):
    dependencies = [("insurance", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
