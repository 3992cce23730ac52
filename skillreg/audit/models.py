from django.conf import settings
from django.db import models


class AuditRecord(models.Model):
    """Append-only, HMAC-SM3 hash-chained record of every write and every reveal of personal data.

    ``seq`` is gap-free and allocated under the chain head's lock; ``mac`` covers the record's
    canonical content and the previous record's ``mac``, so an altered, deleted or inserted record
    breaks the chain at that point.
    """

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=32, blank=True)
    ip = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    result = models.CharField(max_length=16, default="ok")
    rule = models.CharField(max_length=64, blank=True, help_text="Requirement ID when the action is automatic")
    prev_mac = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """Single row holding the chain head; locked (SELECT … FOR UPDATE) to serialise appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    mac = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"chain head #{self.seq}"
