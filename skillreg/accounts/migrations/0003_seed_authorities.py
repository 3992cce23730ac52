from django.db import migrations


def seed(apps, schema_editor):
    from skillreg.accounts.authorities import authority_rows
    from skillreg.regions.data import REGIONS

    Authority = apps.get_model("accounts", "Authority")
    Region = apps.get_model("regions", "Region")
    for code, name, kind, region_code in authority_rows(REGIONS):
        Authority.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "region": Region.objects.get(code=region_code)}
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial"), ("regions", "0002_seed_regions")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
