"""Periodic clean-up of sign-in data (issue 12, item 17): expired sessions are deleted every hour.

A session ends after 30 idle minutes (``SESSION_COOKIE_AGE``), but its row stayed in the database for good;
``clear_expired`` removes every row past its expiry (what ``manage.py clearsessions`` does).
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from skillreg.core.cluster import claim_period


def sessions_purge() -> None:
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()


@db_periodic_task(crontab(minute="7"))
def sessions_purge_task() -> None:
    """Hourly, on one node of the cluster (core.cluster)."""
    if claim_period("accounts.sessions_purge", 3600):
        sessions_purge()
