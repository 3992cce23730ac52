"""The work list's order index carries its filter columns (issue 16): a deep page's keys come from the index
alone (PostgreSQL INCLUDE; on SQLite the same plain index). Built before the old one is dropped, so the list
always has an index on its order. 100,000 cases: seconds."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_alter_user_role"),
        ("applications", "0008_examiner_id_number"),
        ("institutions", "0004_filing_directory_order"),
        ("regions", "0002_seed_regions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["submitted_at", "id"],
                include=("state", "region", "authority", "institution_kind"),
                name="application_worklist_cover",
            ),
        ),
        migrations.RemoveIndex(
            model_name="application",
            name="application_worklist_order",
        ),
    ]
