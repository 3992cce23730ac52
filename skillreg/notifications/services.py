"""Writes of the inbox: creating messages once per (recipient, dedupe_key), delivering them by e-mail
and SMS exactly once, marking them read."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from skillreg.core import clock
from skillreg.core.errors import NotFound

from .models import Message
from .sms import get_sms_gateway

logger = logging.getLogger("skillreg.notifications")
BATCH = 500


@dataclass(frozen=True)
class Notice:
    recipient_id: int
    dedupe_key: str
    subject: str
    body: str
    link: str = ""


def notify(notices: Iterable[Notice], *, deliver: bool = True) -> int:
    """Put each notice in its recipient's inbox unless that (recipient, dedupe_key) already exists.

    Safe under concurrency: the unique constraint keeps one row per key and e-mail/SMS delivery is
    claimed by one sender only. Returns how many messages were new.
    """
    unique = {(n.recipient_id, n.dedupe_key): n for n in notices}
    items = list(unique.values())
    created = 0
    now = clock.now()
    for i in range(0, len(items), BATCH):
        chunk = items[i : i + BATCH]
        existing = set(
            Message.objects.filter(
                dedupe_key__in={n.dedupe_key for n in chunk}, recipient_id__in={n.recipient_id for n in chunk}
            ).values_list("recipient_id", "dedupe_key")
        )
        new = [
            Message(
                recipient_id=n.recipient_id,
                dedupe_key=n.dedupe_key[:200],
                subject=n.subject[:200],
                body=n.body,
                link=n.link[:300],
                created_at=now,
            )
            for n in chunk
            if (n.recipient_id, n.dedupe_key) not in existing
        ]
        Message.objects.bulk_create(new, ignore_conflicts=True)
        created += len(new)
    if deliver and created:
        transaction.on_commit(deliver_pending)
    return created


def deliver_pending(limit: int = 10_000) -> int:
    """Send e-mail and SMS for messages nobody has claimed yet. Each message is claimed by one
    process (conditional UPDATE), so a message is never e-mailed or texted twice."""
    sent = 0
    gateway = None
    while sent < limit:
        ids = list(
            Message.objects.filter(delivery_claim__isnull=True).order_by("id").values_list("id", flat=True)[:BATCH]
        )
        if not ids:
            break
        token = uuid.uuid4()
        Message.objects.filter(id__in=ids, delivery_claim__isnull=True).update(delivery_claim=token)
        for message in Message.objects.filter(delivery_claim=token).select_related("recipient"):
            gateway = gateway or get_sms_gateway()
            _deliver(message, gateway)
            sent += 1
    return sent


def _deliver(message: Message, gateway: Any) -> None:
    user = message.recipient
    site = getattr(settings, "SKILLREG_SITE_NAME", "")
    stamps: dict[str, Any] = {}
    if user.email and user.is_active:
        try:
            body = message.body + (f"\n\n{message.link}" if message.link else "")
            send_mail(f"【{site}】{message.subject}", body, None, [user.email])
            stamps["emailed_at"] = clock.now()
        except Exception:  # a mail server problem must not stop the sweep
            logger.exception("e-mail of message %s failed", message.pk)
    phone = getattr(user, "phone", "")
    if phone and user.is_active:
        try:
            gateway.send(phone, f"【{site}】{message.subject}")
            stamps["sms_sent_at"] = clock.now()
        except Exception:
            logger.exception("SMS of message %s failed", message.pk)
    if stamps:
        Message.objects.filter(pk=message.pk).update(**stamps)


def message_mark_read(*, message: Message, actor: Any) -> Message:
    if message.recipient_id != getattr(actor, "pk", None):
        raise NotFound("未找到该消息", code="MESSAGE_NOT_FOUND")
    if message.read_at is None:
        message.read_at = clock.now()
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=message.read_at)
    return message


def messages_mark_all_read(*, actor: Any) -> int:
    return Message.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(read_at=clock.now())
