from django.db import migrations


def reseed(apps, schema_editor):
    """Upsert the expanded shipped catalogue (~40 occupations) into databases seeded with the 5-row starter."""
    from skillreg.occupations.catalogue import load_rows, shipped_catalogue

    Occupation = apps.get_model("occupations", "Occupation")
    load_rows(Occupation, shipped_catalogue())


class Migration(migrations.Migration):
    dependencies = [("occupations", "0002_seed_occupations")]
    operations = [migrations.RunPython(reseed, migrations.RunPython.noop)]
