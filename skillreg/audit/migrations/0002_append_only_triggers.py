"""The database refuses UPDATE and DELETE on audit records (SQLite and PostgreSQL triggers)."""

from django.db import migrations

from skillreg.audit.db import install_triggers, remove_triggers


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install_triggers, remove_triggers),
    ]
