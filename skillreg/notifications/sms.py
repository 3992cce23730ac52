"""SMS gateway interface. The gateway is chosen by the ``SKILLREG_SMS_GATEWAY`` setting (dotted path of a
class with a no-argument constructor); the default only logs, so nothing leaves the government network
until an operator configures a real gateway."""

from __future__ import annotations

import logging
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_GATEWAY = "skillreg.notifications.sms.LoggingSmsGateway"
logger = logging.getLogger("skillreg.sms")


@runtime_checkable
class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Send ``text`` to the mobile number ``phone``; raise on failure."""


class LoggingSmsGateway:
    """Writes the SMS to the log (phone masked) instead of sending it."""

    sent: list[tuple[str, str]] = []  # the last messages, for tests and dry runs

    def send(self, phone: str, text: str) -> None:
        masked = phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"
        logger.info("SMS to %s: %s", masked, text)
        LoggingSmsGateway.sent = [*LoggingSmsGateway.sent[-99:], (phone, text)]


def get_sms_gateway() -> SmsGateway:
    gateway = import_string(getattr(settings, "SKILLREG_SMS_GATEWAY", "") or DEFAULT_GATEWAY)()
    if not isinstance(gateway, SmsGateway):
        raise TypeError(f"SKILLREG_SMS_GATEWAY {gateway!r} has no send(phone, text) method")
    return gateway
