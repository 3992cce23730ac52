"""skillreg.core.db.hot_query: the same rows as a Django cursor; on PostgreSQL a prepared statement, unless
turned off (SKILLREG_DB_PREPARED_STATEMENTS) or while queries are being logged."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from skillreg.core.db import EXPLICIT_ONLY, hot_query
from skillreg.regions.models import Region

pytestmark = pytest.mark.django_db

SQL = f"SELECT code, name FROM {Region._meta.db_table} WHERE code = %s"  # noqa: S608 - a model's table


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_the_same_rows_as_a_django_cursor():
    with connection.cursor() as cursor:
        cursor.execute(SQL, ["500000"])
        expected = cursor.fetchall()
    assert expected and hot_query(SQL, ["500000"]) == expected == hot_query(SQL, ["500000"])
    assert hot_query(SQL, ["no such code"]) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are a PostgreSQL path")
def test_on_postgresql_the_statement_is_prepared_once():
    hot_query(SQL, ["500000"])
    hot_query(SQL, ["340000"])
    mine = [s for s in _prepared() if Region._meta.db_table in s and "code = $1" in s]
    assert len(mine) == 1
    # Nothing else is prepared automatically: Django's own cursors bind on the client.
    assert connection.connection.prepare_threshold == EXPLICIT_ONLY
    list(Region.objects.filter(code="500000"))
    assert not [s for s in _prepared() if "regions_region" in s and s not in mine]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are a PostgreSQL path")
def test_on_postgresql_one_cursor_is_kept_per_connection():
    """Issue 16: building a psycopg cursor per query cost a third of the lookup's client CPU; one is kept on the
    connection, and made again when it (or the connection under it) is no longer usable."""
    from skillreg.core import db

    hot_query(SQL, ["500000"])
    kept = getattr(connection, db._CURSOR)
    assert kept.connection is connection.connection
    assert hot_query(SQL, ["340000"]) and getattr(connection, db._CURSOR) is kept
    kept.close()
    assert hot_query(SQL, ["500000"]) == [("500000", "重庆市")]
    assert getattr(connection, db._CURSOR) is not kept


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are a PostgreSQL path")
def test_turned_off_or_logged_it_is_a_plain_query(settings):
    settings.SKILLREG_DB_PREPARED_STATEMENTS = False
    hot_query(SQL, ["500000"])
    assert not [s for s in _prepared() if "code = $1" in s]
    settings.SKILLREG_DB_PREPARED_STATEMENTS = True
    with CaptureQueriesContext(connection) as queries:
        assert hot_query(SQL, ["500000"])
    assert len(queries) == 1 and "500000" in queries[0]["sql"]
    assert not [s for s in _prepared() if "code = $1" in s]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are a PostgreSQL path")
def test_a_database_error_is_djangos(settings):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        hot_query("SELECT no_such_column FROM regions_region WHERE code = %s", ["500000"])
