"""GZ-7 exclusion facts from the credit ledger (issue 13 part 5): "机构及法定代表人在培训评价领域存在违法违规行为或
失信记录的" (贵州 细则 第七条第（二）项) is true of an applicant unit when, on the day it applies, one of its filed
institutions has a credit grade the settings call dishonest (default D 严重失信) or a ledger record of a violation
that has not yet been repaired (default: a serious inspection finding, a failed rectification). The grade is the
pure score of ``supervision.credit`` over the append-only ledger as of that day.

The ledger proves a record; it cannot prove there is none elsewhere (e.g. outside this platform), so when it shows
none the applicant's own declaration stands (docs/decisions.md, "Credit grade in renewal and GZ-7")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class CreditRecord:
    found: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)


def dishonest_grades() -> set[str]:
    return set(settings.SKILLREG_GZ7_DISHONEST_GRADES)


def violation_kinds() -> set[str]:
    return set(settings.SKILLREG_GZ7_VIOLATION_KINDS)


def unit_credit_record(unit_id: int, on: dt.date) -> CreditRecord:
    from skillreg.institutions.models import Filing
    from skillreg.supervision.credit import GRADE_LABELS
    from skillreg.supervision.models import CreditKind
    from skillreg.supervision.services.credit import credit_score

    labels = dict(CreditKind.choices)
    reasons: list[str] = []
    for filing in Filing.objects.filter(unit_id=unit_id, credit_events__isnull=False).distinct():
        score = credit_score(filing, on)
        if score.grade in dishonest_grades():
            reasons.append(
                f"{filing.name}（{filing.code}）{on:%Y-%m-%d}信用等级为{GRADE_LABELS.get(score.grade, score.grade)}"
            )
        for f in score.factors:
            if f.kind in violation_kinds():
                reasons.append(f"{filing.name}（{filing.code}）{labels.get(f.kind, f.kind)}（{f.on:%Y-%m-%d}）")
    return CreditRecord(bool(reasons), tuple(reasons))


def apply_credit_facts(facts: dict[str, Any], unit_id: int | None, on: dt.date) -> CreditRecord | None:
    """Set ``training_evaluation_violation_record`` to true when the ledger shows a record (GZ-7.2)."""
    if not unit_id:
        return None
    record = unit_credit_record(unit_id, on)
    if record.found:
        facts["training_evaluation_violation_record"] = True
    return record
