"""Signed checkpoints of the audit chain's head, kept outside the database (issue 12, item 12).

The HMAC chain shows a record altered, inserted or deleted in the middle, but not the last records deleted
with the head moved back to the new end: the chain is then whole again. So the head is anchored outside the
database: ``checkpoint_write`` appends ``{seq, mac, at, kind}`` with an HMAC-SM3 under the audit key (purpose
``audit.checkpoint``) to ``SKILLREG_AUDIT_CHECKPOINT_FILE`` (default ``var/audit-checkpoints.log``; put it on
another host or a write-once share) and to the ``skillreg.audit`` log, every 10 minutes (``audit.tasks``) and
on ``manage.py audit checkpoint``. ``checkpoint_check`` (part of ``audit verify``) takes the last correctly
signed line and requires the database to still hold that record with that MAC; a head behind it is reported.
A restore writes a ``restore`` checkpoint at the restored head, which the check then takes as the anchor.
"""

from __future__ import annotations

import hmac
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from skillreg.core import clock, crypto

from .models import AuditHead, AuditRecord

log = logging.getLogger("skillreg.audit")


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    mac: str
    at: str
    kind: str = "periodic"


def _path() -> Path:
    configured = getattr(settings, "SKILLREG_AUDIT_CHECKPOINT_FILE", "")
    return Path(configured or Path(settings.VAR_DIR) / "audit-checkpoints.log")


def _signature(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return crypto.audit_mac(b"audit.checkpoint|" + canonical)


def checkpoint_write(kind: str = "periodic") -> Checkpoint | None:
    """Append a signed checkpoint of the current head (nothing while the trail is empty)."""
    head = AuditHead.objects.filter(id=1).first()
    if head is None or not head.seq:
        return None
    at = clock.now().isoformat()
    body: dict[str, Any] = {"seq": head.seq, "mac": head.mac, "at": at, "kind": kind}
    line = json.dumps({**body, "sig": _signature(body)}, sort_keys=True)
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    path.chmod(0o640)
    log.info("audit checkpoint %s", line)
    return Checkpoint(head.seq, head.mac, at, kind)


def last_checkpoint() -> Checkpoint | None:
    """The last correctly signed line of the file (forged or broken lines are skipped)."""
    try:
        lines = _path().read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    for line in reversed(lines):
        try:
            data = json.loads(line)
            body = {k: data[k] for k in ("seq", "mac", "at", "kind")}
        except (ValueError, KeyError, TypeError):
            continue
        if hmac.compare_digest(_signature(body), str(data.get("sig", ""))):
            return Checkpoint(int(body["seq"]), str(body["mac"]), str(body["at"]), str(body["kind"]))
    return None


def checkpoint_check() -> str:
    """Empty when the database still holds the last checkpoint's record with its MAC, else the problem."""
    cp = last_checkpoint()
    if cp is None:
        return ""
    mac = AuditRecord.objects.filter(seq=cp.seq).values_list("mac", flat=True).first()
    if mac is None:
        head = AuditHead.objects.filter(id=1).values_list("seq", flat=True).first() or 0
        return f"链尾被移回：检查点（{cp.at[:19]}）记录到 #{cp.seq}，数据库现只到 #{head}，其后的记录被删除"
    if mac != cp.mac:
        return f"记录 #{cp.seq} 与检查点（{cp.at[:19]}）不符：该记录或其之前的记录被替换"
    return ""
