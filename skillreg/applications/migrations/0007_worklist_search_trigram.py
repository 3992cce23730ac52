"""The staff work list's keyword search (issue 16): trigram indexes for ``institution_name__icontains`` and
``number__icontains`` on PostgreSQL.

Django's ``icontains`` on PostgreSQL is ``UPPER(col::text) LIKE UPPER('%q%')``; a GIN index on that same expression
with ``gin_trgm_ops`` answers it without reading every case, keeping the substring semantics. ``pg_trgm`` is a
trusted extension (PostgreSQL 13+): the database owner may create it. On SQLite (development, tests, small
deployments) nothing is created and the search stays a scan — the same answer.
"""

from django.db import migrations

INDEXES = {
    "application_name_trgm": "institution_name",
    "application_number_trgm": "number",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "applications_application" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("applications", "0006_worklist_order_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
