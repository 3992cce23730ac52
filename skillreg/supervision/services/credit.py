"""The credit ledger and published grades (CQ-29 动态评估、及时公布; GZ-7). ``credit_record`` is called by the service
that established a fact, in its transaction, once per fact; ``credit_publish`` computes every institution's grade
as of a day with the pure ``supervision.credit.score`` and announces the grades in a 公告."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from skillreg.accounts import scope
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed
from skillreg.institutions.lifecycle import LIVE
from skillreg.institutions.models import Filing

from .. import basis as bases
from ..credit import GRADE_LABELS, Event, rules_from, score
from ..models import CreditEvent, CreditGrade, CreditKind, NoticeKind, NoticeTopic
from .notices import notice_publish


def credit_record(*, filing: Any, kind: str, on: dt.date, basis: str, source: Any, note: str = "") -> None:
    """One ledger row per (kind, source); a repeat is ignored (the ledger is append-only and idempotent)."""
    try:
        with transaction.atomic():
            CreditEvent.objects.create(
                filing_id=filing.pk,
                kind=kind,
                occurred_on=on,
                basis=basis[:300],
                note=note[:300],
                source_type=source._meta.model_name,
                source_id=source.pk,
                recorded_at=clock.now(),
            )
    except IntegrityError:
        return


def credit_rules() -> Any:
    return rules_from(getattr(settings, "SKILLREG_CREDIT", None))


def credit_score(filing: Filing, as_of: dt.date) -> Any:
    events = [Event(e.kind, e.occurred_on, e.basis, e.note) for e in CreditEvent.objects.filter(filing=filing)]
    return score(events, as_of, credit_rules())


def credit_publish(*, actor: Any, as_of: dt.date | None = None) -> list[CreditGrade]:
    """Grade every live institution of the actor's region as of ``as_of`` (default today) and publish them."""
    if not scope.is_staff_member(actor) or not getattr(actor, "authority_id", None):
        raise PermissionDeniedError("仅监管部门工作人员可以发布信用评估结果", code="CREDIT_NOT_ALLOWED")
    as_of = as_of or clock.today()
    filings = list(Filing.objects.filter(scope.region_q(actor), status__in=LIVE).order_by("code"))
    if CreditGrade.objects.filter(filing__in=filings, as_of=as_of).exists():
        raise TransitionNotAllowed("该基准日的信用评估结果已发布", code="CREDIT_ALREADY_PUBLISHED")
    labels = dict(CreditKind.choices)
    with transaction.atomic():
        scores = [(f, credit_score(f, as_of)) for f in filings]
        lines = []
        for f, s in scores:
            factors = "；".join(f"{labels.get(x.kind, x.kind)}（{x.on:%Y-%m-%d}，{x.points:+d}）" for x in s.factors)
            lines.append(
                f"{f.name}（{f.code}）：{GRADE_LABELS.get(s.grade, s.grade)}，{s.points}分"
                + (f"。评估因素：{factors}" if factors else "")
            )
        notice = notice_publish(
            kind=NoticeKind.ANNOUNCEMENT,
            topic=NoticeTopic.CREDIT,
            title=f"{actor.authority.name}评价机构信用评估结果（{as_of:%Y年%m月%d日}）",
            body="\n".join(lines) or "本期无参评机构。",
            legal_basis=bases.legal_basis("credit", region=actor.authority.region, on=as_of),
            actor=actor,
        )
        grades = [
            CreditGrade.objects.create(
                filing=f,
                as_of=as_of,
                points=s.points,
                grade=s.grade,
                factors=[
                    {
                        "kind": x.kind,
                        "label": labels.get(x.kind, x.kind),
                        "on": x.on.isoformat(),
                        "points": x.points,
                        "until": x.counts_until.isoformat(),
                        "basis": x.basis,
                    }
                    for x in s.factors
                ],
                notice=notice,
                published_at=clock.now(),
            )
            for f, s in scores
        ]
        audit_record(
            actor=actor, action="credit.publish", obj=notice, summary=f"发布信用评估结果 {len(grades)} 家", rule="CQ-29"
        )
    return grades
