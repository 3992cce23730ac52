from django.db import migrations


def seed(apps, schema_editor):
    from skillreg.occupations.catalogue import load_rows, shipped_catalogue

    Occupation = apps.get_model("occupations", "Occupation")
    load_rows(Occupation, shipped_catalogue())


class Migration(migrations.Migration):
    dependencies = [("occupations", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
