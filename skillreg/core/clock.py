"""The single injectable clock. Services ask it for "now"; tests move it with time-machine."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """Aware datetime in UTC (Django's convention); render with localtime()."""
    return timezone.now()


def today() -> dt.date:
    """Today's date in Asia/Shanghai, whatever the server's zone."""
    return timezone.localdate(timezone.now())
