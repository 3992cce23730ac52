"""One version and a status history for every existing filing (idempotent), and on PostgreSQL an
exclusion constraint so that two versions of one filing can never overlap in time."""

import datetime as dt

from django.db import migrations

EXCLUDE_SQL = (
    "ALTER TABLE institutions_filingversion ADD CONSTRAINT filing_version_no_overlap "
    "EXCLUDE USING gist (filing_id WITH =, daterange(effective_from, effective_to, '[]') WITH &&)"
)


def _people(application):
    people = {
        "legal_rep": application.legal_rep_name,
        "head": application.head_name,
        "examiners": [],
        "supervisors": [],
        "finance": [],
        "staff": [],
    }
    for p in application.people.order_by("role", "id"):
        if p.role == "examiner":
            people["examiners"].append(
                {
                    "name": p.name,
                    "occupation": p.occupation.code if p.occupation_id else "",
                    "level": p.level,
                    "certificate_code": p.certificate_code,
                    "own_staff": p.own_staff,
                }
            )
        elif p.role == "supervisor":
            people["supervisors"].append(p.name)
        elif p.role == "finance":
            people["finance"].append(p.name)
        else:
            people["staff"].append({"role": p.role, "name": p.name})
    return people


def forwards(apps, schema_editor):
    Filing = apps.get_model("institutions", "Filing")
    FilingScope = apps.get_model("institutions", "FilingScope")
    FilingVersion = apps.get_model("institutions", "FilingVersion")
    FilingVersionScope = apps.get_model("institutions", "FilingVersionScope")
    FilingStatusChange = apps.get_model("institutions", "FilingStatusChange")
    FilingExit = apps.get_model("deadlines", "FilingExit")
    Rectification = apps.get_model("supervision", "Rectification")
    now = dt.datetime.now(dt.UTC)
    Filing.objects.filter(status="expired").update(status="wrap_up")
    for filing in Filing.objects.select_related("application").iterator():
        if not FilingVersion.objects.filter(filing=filing).exists():
            app = filing.application
            version = FilingVersion.objects.create(
                filing=filing,
                number=1,
                effective_from=filing.filed_on,
                effective_to=None,
                name=filing.name,
                address=filing.address,
                kind=filing.kind,
                evaluation_types=filing.evaluation_types,
                coverage=filing.coverage,
                people=_people(app),
                venues=app.venue_description,
                valid_from=filing.valid_from,
                valid_to=filing.valid_to,
                application=app,
                change_kind="filing",
                summary="（系统升级时由原备案信息生成）",
                created_at=now,
            )
            FilingVersionScope.objects.bulk_create(
                [
                    FilingVersionScope(version=version, occupation_id=s.occupation_id, levels=s.levels)
                    for s in FilingScope.objects.filter(filing=filing)
                ]
            )
        if not FilingStatusChange.objects.filter(filing=filing).exists():
            rows = [("file", "", "active", filing.filed_on, "CQ-12")]
            if filing.status == "rectifying":
                open_ = Rectification.objects.filter(filing=filing, closed_at__isnull=True).first()
                rows.append(
                    ("order_rectification", "active", "rectifying", open_.ordered_on if open_ else now.date(), "CQ-30")
                )
            elif filing.status != "active":
                exit_ = FilingExit.objects.filter(filing=filing).order_by("terminates_on").first()
                day = (exit_.terminates_on if exit_ else filing.valid_to) + dt.timedelta(days=1)
                rows.append(("expire", "active", filing.status, day, exit_.requirement if exit_ else ""))
            for action, src, dst, day, rule in rows:
                FilingStatusChange.objects.create(
                    filing=filing,
                    action=action,
                    from_status=src,
                    to_status=dst,
                    effective_on=day,
                    at=now,
                    rule=rule,
                    source="migration",
                )


def exclusion_add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        schema_editor.execute(EXCLUDE_SQL)


def exclusion_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE institutions_filingversion DROP CONSTRAINT IF EXISTS filing_version_no_overlap"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0002_filing_history"),
        ("deadlines", "0002_filing_exit_lifecycle"),
        ("supervision", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RunPython(exclusion_add, exclusion_drop),
    ]
