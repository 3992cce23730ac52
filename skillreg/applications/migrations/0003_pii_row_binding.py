"""Issue 5: row-bound encryption (Person.public_id) and HMAC-SM3 blind indexes of the encrypted columns.

Existing ciphertexts stay as they are (v1, bound to the column) and remain readable; `manage.py pii rekey`
rewrites them bound to their row (v2).
"""

import uuid

from django.db import migrations, models

import skillreg.core.fields

INDEXES = ["legal_rep_phone_bidx", "legal_rep_id_number_bidx", "head_phone_bidx", "head_id_number_bidx"]


def fill_public_ids(apps, schema_editor):
    Person = apps.get_model("applications", "Person")
    for pk in Person.objects.filter(public_id__isnull=True).values_list("pk", flat=True):
        Person.objects.filter(pk=pk).update(public_id=uuid.uuid4())


def fill_indexes(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    Person = apps.get_model("applications", "Person")
    for application in Application.objects.all().iterator(chunk_size=500):
        application.save(update_fields=INDEXES)
    for person in Person.objects.exclude(phone="").iterator(chunk_size=500):
        person.save(update_fields=["phone_bidx"])


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="person",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddField(
            model_name="application",
            name="head_id_number_bidx",
            field=skillreg.core.fields.BlindIndexField(purpose="id_number", source="head_id_number"),
        ),
        migrations.AddField(
            model_name="application",
            name="head_phone_bidx",
            field=skillreg.core.fields.BlindIndexField(purpose="phone", source="head_phone"),
        ),
        migrations.AddField(
            model_name="application",
            name="legal_rep_id_number_bidx",
            field=skillreg.core.fields.BlindIndexField(purpose="id_number", source="legal_rep_id_number"),
        ),
        migrations.AddField(
            model_name="application",
            name="legal_rep_phone_bidx",
            field=skillreg.core.fields.BlindIndexField(purpose="phone", source="legal_rep_phone"),
        ),
        migrations.AddField(
            model_name="person",
            name="phone_bidx",
            field=skillreg.core.fields.BlindIndexField(purpose="phone", source="phone"),
        ),
        migrations.RunPython(fill_indexes, migrations.RunPython.noop),
    ]
