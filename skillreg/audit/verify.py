"""Walks the chain and names the first record that was altered, deleted or inserted."""

from __future__ import annotations

from dataclasses import dataclass

from .models import AuditHead, AuditRecord
from .services import record_mac


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    problem: str = ""
    seq: int | None = None


def verify_chain(*, check_anchor: bool = True) -> ChainReport:
    """Walk the chain; then (``check_anchor``) compare the head with the last signed checkpoint kept outside the
    database (``checkpoint``), which catches the last records deleted with the head moved back."""
    prev_mac = "0" * 64
    expected_seq = 1
    checked = 0
    for rec in AuditRecord.objects.order_by("seq").iterator(chunk_size=2000):
        if rec.seq != expected_seq:
            return ChainReport(False, checked, f"记录 #{expected_seq} 缺失（被删除）", expected_seq)
        if rec.prev_mac != prev_mac:
            return ChainReport(False, checked, f"记录 #{rec.seq} 的前序校验值不符（插入或删除）", rec.seq)
        if record_mac(rec, prev_mac) != rec.mac:
            return ChainReport(False, checked, f"记录 #{rec.seq} 内容被篡改", rec.seq)
        prev_mac = rec.mac
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(id=1).first()
    if head and (head.seq != expected_seq - 1 or head.mac != prev_mac):
        return ChainReport(False, checked, f"链尾与记录不符：末尾记录 #{head.seq} 缺失", head.seq)
    if check_anchor:
        from .checkpoint import checkpoint_check

        problem = checkpoint_check()
        if problem:
            return ChainReport(False, checked, problem, expected_seq - 1)
    return ChainReport(True, checked)
