from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="AuditRecord",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("at", models.DateTimeField(verbose_name="at")),
                ("schema_name", models.CharField(max_length=63, verbose_name="schema")),
                ("entity_id", models.BigIntegerField(blank=True, null=True, verbose_name="entity")),
                ("table_name", models.CharField(max_length=63, verbose_name="table")),
                ("operation", models.CharField(max_length=6, verbose_name="operation")),
                ("row_pk", models.CharField(blank=True, max_length=64, verbose_name="row")),
                ("actor", models.CharField(max_length=200, verbose_name="actor")),
                ("request_id", models.CharField(blank=True, max_length=64, verbose_name="request id")),
                ("before", models.JSONField(blank=True, null=True, verbose_name="before")),
                ("after", models.JSONField(blank=True, null=True, verbose_name="after")),
            ],
            options={
                "verbose_name": "audit record",
                "verbose_name_plural": "audit records",
                "ordering": ["-id"],
                "indexes": [
                    models.Index(fields=["table_name", "row_pk"], name="audit_table_row"),
                    models.Index(fields=["request_id"], name="audit_request"),
                ],
            },
        ),
    ]
