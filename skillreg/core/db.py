"""Hot read-only queries on PostgreSQL as prepared statements.

Django disables psycopg's prepared statements (``prepare_threshold=None``) so that transaction-mode connection
poolers keep working, and binds parameters on the client; every query is then parsed and planned again by the
server. For the few public hot paths (certificate verification: one indexed lookup, thousands a second) that
costs more than the lookup itself: 0.3 ms of server CPU a query instead of 0.1 ms (docs/performance.md).

``hot_query`` runs one statement through a server-side-binding psycopg cursor with ``prepare=True``, so it is
prepared once per connection and executed by name afterwards. ``allow_explicit_prepare`` (connected to
``connection_created``) sets the connection's threshold so high that nothing is ever prepared *automatically*:
only ``hot_query``'s statements are. Django's own queries are unaffected (its client-side-binding cursors never
prepare). Setting ``SKILLREG_DB_PREPARED_STATEMENTS = False`` (env ``SKILLREG_DB_PREPARED_STATEMENTS=0``) turns
it off, e.g. behind PgBouncer in transaction mode before 1.21. On SQLite, or when queries are being logged
(DEBUG, ``assertNumQueries``), ``hot_query`` is a plain Django cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connections

EXPLICIT_ONLY = 2**31 - 1  # psycopg prepares a query after this many executions: never, unless asked
_CURSOR = "_skillreg_hot_cursor"  # attribute of Django's connection (one per thread and alias) holding the cursor


def _enabled() -> bool:
    return bool(getattr(settings, "SKILLREG_DB_PREPARED_STATEMENTS", True))


def allow_explicit_prepare(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "postgresql" and _enabled() and connection.connection.prepare_threshold is None:
        connection.connection.prepare_threshold = EXPLICIT_ONLY


def hot_query(sql: str, params: Sequence[Any]) -> list[tuple]:
    """All rows of one read-only statement (``%s`` placeholders), prepared on PostgreSQL. On the public read
    paths it runs on the read replica when one is usable (``core.dbrouter.read_alias``)."""
    from .dbrouter import read_alias

    connection = connections[read_alias()]
    if connection.vendor == "postgresql" and _enabled() and not connection.queries_logged:
        import psycopg

        connection.ensure_connection()
        raw = connection.connection
        # One cursor per connection, kept: building a psycopg cursor (its adapters and transformer) cost a third
        # of a lookup's client-side CPU (issue 16). A new connection (closed, CONN_MAX_AGE) gets a new one.
        cursor = getattr(connection, _CURSOR, None)
        if cursor is None or cursor.connection is not raw or cursor.closed:
            cursor = psycopg.Cursor(raw)
            setattr(connection, _CURSOR, cursor)
        with connection.wrap_database_errors:
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
