"""Suite-wide test configuration (its hooks see every collected test, under skillreg/ too).

Markers (declared in pyproject.toml):
- ``e2e``: browser tests in tests/e2e (marked automatically there).
- ``postgres``: tests that only make sense on PostgreSQL; skipped when the database is SQLite.

Transactional tests (``transaction=True``, ``transactional_db``, ``live_server``) end by flushing the test
database, which would leave the next transactional test without the data the migrations seed (regions,
authorities, occupations). Every such test therefore runs with ``serialized_rollback``: the seeded state is
restored before it starts, and no flush re-creates content types behind the serializer's back.
"""

from __future__ import annotations

import pytest

_TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.db import connection

    skip_postgres = connection.vendor != "postgresql"
    skip = pytest.mark.skip(reason="PostgreSQL-only test (set DATABASE_URL=postgres://…)")
    for item in items:
        if skip_postgres and item.get_closest_marker("postgres"):
            item.add_marker(skip)
        _serialize_transactional(item)


def _serialize_transactional(item: pytest.Item) -> None:
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    if marker is not None:
        kwargs = dict(marker.kwargs)
        if marker.args:  # django_db(transaction, reset_sequences, databases, …) given positionally
            names = ["transaction", "reset_sequences", "databases", "serialized_rollback", "available_apps"]
            kwargs = {**dict(zip(names, marker.args, strict=False)), **kwargs}
        transactional = kwargs.get("transaction") or kwargs.get("reset_sequences") or fixtures & _TRANSACTIONAL_FIXTURES
        if not transactional or kwargs.get("serialized_rollback"):
            return
        kwargs.update(transaction=True, serialized_rollback=True)
    elif fixtures & _TRANSACTIONAL_FIXTURES:
        kwargs = {"transaction": True, "serialized_rollback": True}
    else:
        return
    item.add_marker(pytest.mark.django_db(**kwargs), append=False)
