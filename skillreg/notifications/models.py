"""The in-app inbox. A message is created once per (recipient, dedupe_key): a reminder is never sent twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Message(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages")
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    link = models.CharField("链接", max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200, help_text="What this message is about, e.g. due:12:2026-10-09")
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    # E-mail and SMS delivery: claimed by exactly one sender (conditional UPDATE), then stamped.
    delivery_claim = models.UUIDField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    sms_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "站内消息"
        constraints = [models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="unique_message_per_recipient")]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # The inbox's order within one recipient: its pages walk this instead of sorting every message.
            models.Index(fields=["recipient", "-created_at", "-id"], name="message_inbox_order"),
        ]

    def __str__(self) -> str:
        return self.subject
