"""OpenAPI fuzzing of /api/v1 with schemathesis (issue 5, item 7): no input makes the API answer 5xx.

Runs against the WSGI application in-process (same test database), anonymously and as a signed-in
institution user, with a bounded number of examples per operation so that it stays well under a minute.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from skillreg.core import testing

MAX_EXAMPLES = 20


from config.wsgi import application  # noqa: E402

# Fetching the schema touches no table (anonymous GET of /api/v1/openapi.json), so it can load at collection.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes database connections when a request ends, which would close the test's own
    transaction on PostgreSQL; Django's test client avoids that the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def session_cookie(db, client):  # type: ignore[no-untyped-def]
    user = testing.make_institution_user("fuzz_org", region_code="500238", seed=99)
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@pytest.mark.django_db
def test_api_never_answers_5xx_anonymously(case):  # type: ignore[no-untyped-def]
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error])


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES // 2,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_never_answers_5xx_when_signed_in(case, session_cookie):  # type: ignore[no-untyped-def]
    response = case.call(cookies=session_cookie)
    case.validate_response(response, checks=[not_a_server_error])
