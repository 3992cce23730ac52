from django.db import migrations


def seed(apps, schema_editor):
    from skillreg.regions.data import REGIONS

    Region = apps.get_model("regions", "Region")
    made = {}
    for code, name, level, parent in REGIONS:
        parent_obj = made.get(parent) if parent else None
        path = f"{parent_obj.path}/{code}" if parent_obj else code
        obj, _ = Region.objects.update_or_create(
            code=code, defaults={"name": name, "level": level, "parent": parent_obj, "path": path}
        )
        made[code] = obj


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
