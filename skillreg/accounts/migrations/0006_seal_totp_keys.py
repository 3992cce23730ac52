"""Seal existing TOTP secrets with the data key (issue 12, item 17). Idempotent: sealed keys are skipped."""

from django.db import migrations


def seal_keys(apps, schema_editor):  # type: ignore[no-untyped-def]
    from skillreg.accounts.otp_keys import is_sealed, seal

    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    for device in TOTPDevice.objects.all().only("id", "key", "user_id"):
        if not is_sealed(device.key):
            TOTPDevice.objects.filter(pk=device.pk).update(key=seal(device.key, device.user_id))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_reset_by"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(seal_keys, migrations.RunPython.noop)]
