"""Browser (e2e) test harness: Playwright's sync API driving Debian's Chromium against ``live_server``.

- The browser is ``/usr/bin/chromium`` (override with ``SKILLREG_CHROMIUM``), installed by
  ``scripts/setup --browser``. Playwright's own browser download is never used.
- ``page`` is a fresh zh-CN / Asia/Shanghai browser context per test, pointed at ``live_server``.
- ``screenshot("name")`` saves ``test-artifacts/screenshots/<test>-<db>-<name>.png``; a failing test gets
  one automatically.
- Tests here run on ``transactional_db`` (the live server thread needs committed data) with serialized
  rollback, so the seed data of the migrations (regions, occupations, authorities) is there in every test.
  On SQLite the in-memory test database is shared with the server thread by pytest-django.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop in this thread; Django would then refuse ORM calls
# from the test (fixtures, flush) as "async unsafe". The tests are synchronous, so this is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SKILLREG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
_reports_key = pytest.StashKey[dict]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    item.stash.setdefault(_reports_key, {})[report.when] = report
    return report


def _chromium_path() -> str:
    path = shutil.which(CHROMIUM) or (CHROMIUM if os.access(CHROMIUM, os.X_OK) else None)
    if path:
        return path
    message = f"Chromium not found at {CHROMIUM}: run scripts/setup --browser (or set SKILLREG_CHROMIUM)"
    if os.environ.get("SKILLREG_REQUIRE_BROWSER") or os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from django.db import connections
    from playwright.sync_api import sync_playwright

    executable = _chromium_path()
    # While Playwright's loop runs in this thread, asgiref keys Django's connection storage by context, so
    # `connections[alias]` would hand the tests *new* wrappers: other transaction state, and no
    # `_test_serialized_contents` (serialized rollback would silently restore nothing). Keep the same ones.
    originals = {alias: connections[alias] for alias in connections}
    with sync_playwright() as pw:
        for alias, wrapper in originals.items():
            connections[alias] = wrapper
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(request: pytest.FixtureRequest, browser, live_server, django_db_serialized_rollback) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    # The Content-Security-Policy has no 'unsafe-inline': anything it blocks is a bug.
    csp_violations: list[str] = []
    page.on(
        "console",
        lambda msg: csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield page
    call = request.node.stash.get(_reports_key, {}).get("call")
    if call is not None and call.failed:
        _save(page, request.node, "failure")
    context.close()
    assert not csp_violations, "CSP violations:\n" + "\n".join(csp_violations)


@pytest.fixture
def screenshot(request: pytest.FixtureRequest, page) -> Callable[[str], Path]:  # type: ignore[no-untyped-def]
    """``screenshot("home")`` → the saved PNG's path."""

    def take(name: str) -> Path:
        return _save(page, request.node, name)

    return take


def _save(page, node: pytest.Item, name: str) -> Path:  # type: ignore[no-untyped-def]
    from django.db import connection

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^\w.-]+", "_", f"{node.name}-{connection.vendor}-{name}")
    path = SCREENSHOTS / f"{slug}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def journey(request: pytest.FixtureRequest, page):  # type: ignore[no-untyped-def]
    """The journey harness (``tests/e2e/journey.py``): fails on server/console/asset errors, English and internal
    identifiers on the page; ``journey.step(name)`` checks the page and keeps a screenshot of every step."""
    from django.db import connection

    from .journey import Journey

    j = Journey(page, f"{request.node.name}-{connection.vendor}", SCREENSHOTS)
    yield j
    call = request.node.stash.get(_reports_key, {}).get("call")
    if call is not None and call.passed:
        j.finish()
