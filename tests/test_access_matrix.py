"""Data scope everywhere (issue 5, item 2): every URL pattern and API route × every role × own and other object.

HOW TO ADD A ROUTE (this test fails, naming it, until you do):
1. Find your app's table in ``tests/matrix/routes.py`` (or add one and list it in ``TABLES``).
2. Add ``"namespace:url_name": R(...)`` with the status each role gets. Roles you do not name get 404; the
   anonymous visitor gets 302 (login page) unless you say ``anon=…``. ``(own, other)`` gives the status for
   the role's own/assigned object and for an object out of its scope (which must be 404, not 403).
3. If the URL takes an object, name it in ``kwargs`` (``{"pid": "app"}``); if the world has no such object
   yet, build one (own and other) in ``tests/matrix/world.py``.
4. POST routes are also checked to refuse a missing CSRF token (403) — set ``csrf=False`` only for API routes
   without cookie authentication.

What is checked: the status of every (route, role, own/other); that no page or API answer outside the reveal
endpoints contains a full ID number or phone of the world; that every POST route needs a CSRF token; that the
Django admin is closed to everyone but the system administrator.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.matrix.routes import ALLOWED_UNLISTED_NAMESPACES, TABLES, Route
from tests.matrix.world import ROLES, World, build_world

REVEAL_ROUTES = {"apply:reveal", "staff:reveal"}


def _patterns(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = ":".join(p for p in (namespace, entry.namespace or "") if p)
            yield from _patterns(entry, ns)
        else:
            yield (f"{namespace}:{entry.name}" if namespace else str(entry.name)), entry


def _params(pattern: URLPattern) -> set[str]:
    regex = pattern.pattern.regex
    return set(regex.groupindex)


def _ninja_methods(pattern: URLPattern) -> set[str]:
    """The HTTP methods of a django-ninja path (its view closes over the PathView)."""
    for cell in getattr(pattern.callback, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if operations:
            return {m for op in operations for m in op.methods}
    return set()


def _all_patterns() -> list[tuple[str, URLPattern]]:
    return [(name, p) for name, p in _patterns() if name.split(":")[0] not in ALLOWED_UNLISTED_NAMESPACES]


TABLE: dict[str, Route] = {name: route for table in TABLES.values() for name, route in table.items()}


def test_every_route_is_in_the_matrix():
    missing = sorted({name for name, _p in _all_patterns() if name not in TABLE})
    assert not missing, (
        "These URL names have no entry in the access matrix (tests/matrix/routes.py; see the top of "
        "tests/test_access_matrix.py): " + ", ".join(missing)
    )
    stale = sorted(set(TABLE) - {name for name, _p in _all_patterns()})
    assert not stale, "Entries for URL names that no longer exist: " + ", ".join(stale)


def test_api_methods_match_the_matrix():
    wrong = []
    for name, pattern in _all_patterns():
        methods = _ninja_methods(pattern)
        if methods and name in TABLE and TABLE[name].method not in methods:
            wrong.append(f"{name}: {sorted(methods)} vs {TABLE[name].method}")
    assert not wrong, wrong


@pytest.fixture(scope="module")
def world_media(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("matrix-uploads"))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_media) -> Iterator[World]:
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=world_media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _world_media(settings, world_media):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = world_media


def _client(world: World, role: str, **kw: object) -> Client:
    client = Client(**kw)
    if role != "anon":
        client.force_login(world.users[role])
    return client


def _urls(world: World, name: str, route: Route, role: str, own: bool) -> list[str]:
    urls = []
    for pattern_name, pattern in _all_patterns():
        if pattern_name != name:
            continue
        params = _params(pattern)
        missing = params - set(route.kwargs)
        assert not missing, f"{name}: no kwargs for {missing} in the matrix entry"
        kwargs = {k: world.value(role, v, own) for k, v in route.kwargs.items() if k in params}
        urls.append(reverse(name, kwargs=kwargs))
    return sorted(set(urls))


def _request(client: Client, route: Route, url: str):  # type: ignore[no-untyped-def]
    if route.method == "GET":
        return client.get(url)
    if route.json:
        return client.post(url, json.dumps(route.data), content_type="application/json")
    return client.post(url, route.data or {})


@pytest.mark.parametrize("table", sorted(TABLES))
def test_access(world: World, db, table: str):  # type: ignore[no-untyped-def]
    failures = []
    leaks = []
    for name, route in TABLES[table].items():
        for role in ROLES:
            client = _client(world, role)
            for own, expected in zip((True, False), route.expect[role], strict=True):
                for url in _urls(world, name, route, role, own):
                    with transaction.atomic():
                        response = _request(client, route, url)
                        transaction.set_rollback(True)  # whatever a request changed, the next one starts clean
                    if response.status_code != expected:
                        which = "own" if own else "other"
                        failures.append(
                            f"{name} {route.method} {url} as {role} ({which}): "
                            f"{response.status_code}, expected {expected}"
                        )
                    if response.status_code == 200 and name not in REVEAL_ROUTES and not response.streaming:
                        body = response.content.decode("utf-8", "replace")
                        leaks += [f"{name} as {role}: {v}" for v in world.pii if v in body]
    assert not failures, "\n".join(failures)
    assert not leaks, "unmasked personal data:\n" + "\n".join(leaks)


def test_every_post_route_needs_a_csrf_token(world: World, db):  # type: ignore[no-untyped-def]
    unprotected = []
    for name, route in TABLE.items():
        if route.method != "POST" or not route.csrf:
            continue
        role = next((r for r in ROLES if route.expect[r][0] < 400), "anon")
        client = _client(world, role, enforce_csrf_checks=True)
        for url in _urls(world, name, route, role, True):
            with transaction.atomic():
                response = _request(client, route, url)
                transaction.set_rollback(True)
            if response.status_code != 403:
                unprotected.append(f"{name} as {role}: {response.status_code}")
    assert not unprotected, "POST accepted without a CSRF token:\n" + "\n".join(unprotected)


def test_django_admin_is_for_the_system_administrator_only(world: World, db):  # type: ignore[no-untyped-def]
    for role in ROLES:
        response = _client(world, role).get(reverse("admin:index"))
        expected = 200 if role in ("admin", "superuser") else 302
        assert response.status_code == expected, role
        if expected == 302:
            assert response.url.startswith((reverse("admin:login"), reverse("accounts:login")))
