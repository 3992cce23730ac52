"""Writes to the occupation catalogue. Every write is one transaction with its audit record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from skillreg.audit.services import audit_record
from skillreg.core.errors import ValidationFailed

from .catalogue import OccupationRow, load_rows
from .models import Occupation


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def occupations_import(*, rows: Sequence[OccupationRow], actor: Any = None) -> ImportResult:
    """Upsert validated catalogue rows by code, all or nothing, and audit the import.

    Rows come from ``catalogue.read_file`` & co., which have checked each row; this checks what needs
    the database (a work type's occupation must exist, in the file or already stored) before writing.
    """
    if not rows:
        raise ValidationFailed("没有可导入的职业数据", code="OCCUPATIONS_EMPTY")
    seen: dict[str, int] = {}
    for row in rows:
        if row.code in seen:
            raise ValidationFailed(
                f"第 {row.line} 行：职业编码“{row.code}”重复（第 {seen[row.code]} 行已有）",
                code="OCCUPATION_DUPLICATE",
                field="code",
            )
        seen[row.code] = row.line
    parent_codes = {r.parent_code for r in rows if r.parent_code} - set(seen)
    stored = set(Occupation.objects.filter(code__in=parent_codes).values_list("code", flat=True))
    for row in rows:
        if row.parent_code and row.parent_code not in seen and row.parent_code not in stored:
            raise ValidationFailed(
                f"第 {row.line} 行：工种“{row.code} {row.name}”所属的职业“{row.parent_code}”不在目录中，"
                "请先导入该职业或在同一文件中一并导入",
                code="OCCUPATION_PARENT_MISSING",
                field="code",
            )

    with transaction.atomic():
        created, updated = load_rows(Occupation, list(rows))
        result = ImportResult(created=created, updated=updated, unchanged=len(rows) - created - updated)
        audit_record(
            actor=actor,
            action="occupations.import",
            object_type="occupations.catalogue",
            summary=f"导入职业目录 {result.total} 条：新增 {created} 条，更新 {updated} 条，未变 {result.unchanged} 条",
            after={"created": created, "updated": updated, "unchanged": result.unchanged},
        )
    return result
