"""Named fixtures shared by the whole suite. Each says who it is and what it may see.

Security plumbing for tests (issue 5):
- Passwords are hashed with few PBKDF2-SM3 iterations (``SKILLREG_PASSWORD_ITERATIONS``), also in subprocesses.
- ``client.force_login(user)`` also passes the second factor for roles that need one (a confirmed TOTP device
  is created on the fly), so view tests are not about OTP; tests of the login itself post to the login page.
- The cache (rate limits) is emptied before every test; lockouts live in the database and roll back.
- Transactional tests may empty the audit table at teardown (``flush``), which the database otherwise refuses.
"""

from __future__ import annotations

import os

import pytest

from skillreg.core import testing

os.environ.setdefault("SKILLREG_PASSWORD_ITERATIONS", "1000")


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    settings.SKILLREG_PASSWORD_ITERATIONS = int(os.environ["SKILLREG_PASSWORD_ITERATIONS"])
    # Tests run without collectstatic: the plain storage instead of the manifest one (config/settings.py).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True, scope="session")
def _audit_flush_allowed():
    """``flush`` (transactional tests' teardown) empties the audit table inside ``audit_maintenance``."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    from skillreg.audit.db import audit_maintenance

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):  # type: ignore[no-untyped-def]
        with audit_maintenance(self.connection.alias):
            return original(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]
    yield
    BaseDatabaseOperations.execute_sql_flush = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _otp_on_force_login(monkeypatch):
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):  # type: ignore[no-untyped-def]
        from django_otp import DEVICE_ID_SESSION_KEY

        from skillreg.accounts.middleware import otp_required

        original(self, user, backend)
        if otp_required(user):
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = testing.make_otp_device(user).persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads of each test go to a fresh temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.SKILLREG_AUDIT_CHECKPOINT_FILE = str(tmp_path / "audit-checkpoints.log")  # and audit checkpoints


@pytest.fixture
def wuxi_institution(db):
    """An institution user of a Wuxi county (500238) unit: sees only its own unit's applications."""
    return testing.make_institution_user("wuxi_org", region_code="500238", seed=1)


@pytest.fixture
def other_institution(db):
    """An institution user of another Chongqing unit: must see nothing of wuxi_institution's."""
    return testing.make_institution_user("other_org", region_code="500101", seed=2)


@pytest.fixture
def huainan_institution(db):
    """An institution user of a unit in 田家庵区, Huainan (340403)."""
    return testing.make_institution_user("huainan_org", region_code="340403", seed=3)


@pytest.fixture
def wuxi_officer(db):
    """A Wuxi county HRSS officer: cases of 500238 only; decides county-managed cases (CQ-6)."""
    return testing.make_staff("wuxi_officer", "hrss-500238", display_name="巫溪县经办人")


@pytest.fixture
def cq_centre_officer(db):
    """A Chongqing city centre officer: sees every Chongqing case; decides city-managed cases (CQ-6)."""
    return testing.make_staff("cq_centre", "center-500000", display_name="市鉴定中心审核人")


@pytest.fixture
def guizhou_officer(db):
    """A Guizhou provincial officer: must see nothing of Chongqing or Anhui."""
    return testing.make_staff("gz_officer", "hrss-520000", display_name="贵州省厅审核人")


@pytest.fixture
def huainan_county_officer(db):
    return testing.make_staff("tja_officer", "hrss-340403", display_name="田家庵区初审人")


@pytest.fixture
def huainan_city_officer(db):
    return testing.make_staff("hn_officer", "hrss-340400", display_name="淮南市审核人")


@pytest.fixture
def anhui_officer(db):
    return testing.make_staff("ah_officer", "hrss-340000", display_name="安徽省厅审批人")


@pytest.fixture
def expert(db):
    """An evaluation expert: sees only the cases assigned to them."""
    return testing.make_expert("expert_zhang", "张专家")


@pytest.fixture
def sysadmin(db):
    """The system administrator (三员分立): /sysadmin/ only; no cases, no audit trail."""
    return testing.make_admin("sys_admin", "admin")


@pytest.fixture
def security_admin(db):
    """The security administrator: lockouts and second factors; no cases, no audit trail."""
    return testing.make_admin("sec_admin", "security_admin")


@pytest.fixture
def audit_admin(db):
    """The audit administrator: reads the audit trail; nothing else."""
    return testing.make_admin("aud_admin", "audit_admin")


@pytest.fixture
def inspector(db):
    """An inspector (检查人员): sees only inspections assigned to them; nothing of applications."""
    return testing.make_admin("inspector_li", "inspector")
