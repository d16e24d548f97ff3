"""The retention rules of the group's nine countries, as data (editable in the group admin).

Accounting and payroll periods are the statutory minima commonly cited for each country; the share
register and the assemblies' records are kept as long as the cooperative (SMart Coop is a Belgian
cooperative society: the group's own records follow Belgian law, ``*``). The data protection officer
confirms or changes them; an erasure reads them at the time it runs."""

from django.db import migrations

RULES = [
    # country, category, years (None: as long as the cooperative), legal basis
    ("BE", "accounting", 7, "Code de droit économique, art. III.88"),
    ("FR", "accounting", 10, "Code de commerce, art. L123-22"),
    ("NL", "accounting", 7, "Algemene wet inzake rijksbelastingen, art. 52"),
    ("DE", "accounting", 10, "Handelsgesetzbuch § 257, Abgabenordnung § 147"),
    ("AT", "accounting", 7, "Bundesabgabenordnung § 132"),
    ("SE", "accounting", 7, "Bokföringslagen 7 kap. 2 §"),
    ("ES", "accounting", 6, "Código de Comercio, art. 30"),
    ("IT", "accounting", 10, "Codice civile, art. 2220"),
    ("HU", "accounting", 8, "2000. évi C. törvény a számvitelről, 169. §"),
    ("BE", "payroll", 5, "Arrêté royal du 8 août 1980 relatif à la tenue des documents sociaux, art. 25"),
    ("FR", "payroll", 5, "Code du travail, art. L3243-4"),
    ("NL", "payroll", 7, "Algemene wet inzake rijksbelastingen, art. 52 (loonadministratie)"),
    ("DE", "payroll", 6, "Einkommensteuergesetz § 41 (Lohnkonto)"),
    ("AT", "payroll", 7, "Bundesabgabenordnung § 132"),
    ("SE", "payroll", 7, "Bokföringslagen 7 kap. 2 §"),
    ("ES", "payroll", 4, "Ley sobre Infracciones y Sanciones en el Orden Social, art. 21"),
    ("IT", "payroll", 5, "Decreto-legge 112/2008, art. 39 (Libro unico del lavoro)"),
    ("HU", "payroll", 8, "2000. évi C. törvény a számvitelről, 169. §"),
    ("*", "share_register", None, "Code des sociétés et des associations, art. 6:24 (registre des actionnaires)"),
    ("*", "votes", None, "Code des sociétés et des associations, art. 6:76 (procès-verbaux des assemblées)"),
    ("*", "insurance", 5, "Loi du 4 avril 2014 relative aux assurances, art. 88 (prescription)"),
    ("*", "legal_case", 5, "Code judiciaire, art. 2276bis (fin de la mission de l'avocat)"),
    ("*", "consent", 5, "RGPD art. 7(1) (preuve du consentement), prescription de droit commun"),
]


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for country, category, years, basis in RULES:
        RetentionRule.objects.get_or_create(
            country=country, category=category, defaults={"years": years, "basis": basis}
        )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
