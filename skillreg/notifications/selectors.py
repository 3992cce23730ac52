"""Reads of the inbox: a user sees only their own messages (anything else is a 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from .models import Message


def messages_for(user: Any) -> QuerySet[Message]:
    if not getattr(user, "is_authenticated", False):
        return Message.objects.none()
    return Message.objects.filter(recipient_id=user.pk)


def unread_count(user: Any) -> int:
    return messages_for(user).filter(read_at__isnull=True).count()


def message_for(user: Any, pk: Any) -> Message:
    try:
        return messages_for(user).get(pk=int(pk))
    except (Message.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该消息") from exc
