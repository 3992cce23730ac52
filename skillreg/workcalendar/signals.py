"""Signals of the calendar: what other apps derive from it listens here, so the calendar depends on none of them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after a committed import has changed the calendar in force (the deadline index recomputes from it).
calendar_changed = Signal()
