"""The database itself refuses UPDATE and DELETE on audit records (triggers, migration 0002).

- UPDATE is refused always, on both vendors.
- DELETE (and TRUNCATE on PostgreSQL) is refused unless this connection is inside ``audit_maintenance()``.
  Nothing in the application uses it — records are never purged (docs/security.md, "Retention"); it exists so
  that the test suite can empty its throw-away database between transactional tests (``flush``).
  PostgreSQL reads a session setting, SQLite a function this module registers on each connection; a
  connection without it (the sqlite3 shell, another program) fails the DELETE with "no such function".
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections

_unlocked: contextvars.ContextVar[bool] = contextvars.ContextVar("skillreg_audit_unlocked", default=False)

SQLITE_FUNCTION = "skillreg_audit_unlocked"
PG_SETTING = "skillreg.audit_unlocked"


def register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 0, lambda: 1 if _unlocked.get() else 0)


@contextmanager
def audit_maintenance(using: str = "default") -> Iterator[None]:
    conn = connections[using]
    token = _unlocked.set(True)
    try:
        if conn.vendor == "postgresql":
            with conn.cursor() as cur:
                cur.execute("SELECT set_config(%s, 'on', false)", [PG_SETTING])
        yield
    finally:
        if conn.vendor == "postgresql" and conn.connection is not None:
            with conn.cursor() as cur:
                cur.execute("SELECT set_config(%s, 'off', false)", [PG_SETTING])
        _unlocked.reset(token)


SQLITE_SQL = [
    "CREATE TRIGGER IF NOT EXISTS audit_record_no_update BEFORE UPDATE ON audit_auditrecord "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only: UPDATE refused'); END",
    f"CREATE TRIGGER IF NOT EXISTS audit_record_no_delete BEFORE DELETE ON audit_auditrecord "
    f"WHEN NOT {SQLITE_FUNCTION}() "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only: DELETE refused'); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_record_no_update",
    "DROP TRIGGER IF EXISTS audit_record_no_delete",
]
PG_SQL = [
    f"""
    CREATE OR REPLACE FUNCTION skillreg_audit_append_only() RETURNS trigger AS $$
    BEGIN
        IF TG_OP <> 'UPDATE' AND coalesce(current_setting('{PG_SETTING}', true), '') = 'on' THEN
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NULL;
        END IF;
        RAISE EXCEPTION USING
            MESSAGE = 'audit records are append-only: ' || TG_OP || ' refused',
            ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS audit_record_append_only ON audit_auditrecord",
    "CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR DELETE ON audit_auditrecord "
    "FOR EACH ROW EXECUTE FUNCTION skillreg_audit_append_only()",
    "DROP TRIGGER IF EXISTS audit_record_no_truncate ON audit_auditrecord",
    "CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON audit_auditrecord "
    "FOR EACH STATEMENT EXECUTE FUNCTION skillreg_audit_append_only()",
]
PG_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_record_append_only ON audit_auditrecord",
    "DROP TRIGGER IF EXISTS audit_record_no_truncate ON audit_auditrecord",
    "DROP FUNCTION IF EXISTS skillreg_audit_append_only()",
]


def _run(schema_editor: Any, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql)


def install_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_SQL)
    elif vendor == "postgresql":
        _run(schema_editor, PG_SQL)
    else:  # pragma: no cover - only the two supported vendors
        raise RuntimeError(f"no append-only triggers for {vendor}")


def remove_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    _run(schema_editor, SQLITE_REVERSE if vendor == "sqlite" else PG_REVERSE)
