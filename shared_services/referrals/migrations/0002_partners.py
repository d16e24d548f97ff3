"""The partner cooperatives the group refers members to (C8)."""

from django.db import migrations

PARTNERS = [
    ("microstart", "Microstart", "microfinance"),
    ("coopcity", "COOPCITY", "incubation"),
    ("dynamo-coop", "Dynamo Coop", "real_estate"),
]


def forwards(apps, schema_editor):
    Partner = apps.get_model("referrals", "Partner")
    for slug, name, kind in PARTNERS:
        Partner.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind})


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
