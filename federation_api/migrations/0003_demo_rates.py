"""The fixed demo rate table (federation_api/data/demo_rates.csv, ECB layout), so that every
environment converts to EUR without fetching anything. Real ECB files replace it with
``manage.py federation_load_rates``."""

from django.db import migrations


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    from federation_api.rates import DEMO_RATES, _parse

    rate_model = apps.get_model("federation_api", "ReferenceRate")
    rows = _parse(DEMO_RATES.read_text())
    rate_model.objects.bulk_create(
        [rate_model(currency=c, day=d, rate=r, source="demo") for c, d, r in rows], ignore_conflicts=True
    )


def unload(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("federation_api", "ReferenceRate").objects.filter(source="demo").delete()


class Migration(migrations.Migration):
    dependencies = [("federation_api", "0002_consolidation")]
    operations = [migrations.RunPython(load, unload)]
