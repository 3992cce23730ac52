"""Dated versions of a filing's content (name, address, people, venues, scope, validity).

``filing_version_create`` is the only writer of ``FilingVersion`` rows and of the Filing's denormalised
"current" columns and ``FilingScope``. Versions of one filing never overlap: checked here under the
filing's row lock (both databases) and by an exclusion constraint on PostgreSQL (migration 0003).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import ValidationFailed

from .models import Filing, FilingScope, FilingVersion, FilingVersionScope

CONTENT_FIELDS = ("name", "address", "kind", "evaluation_types", "coverage", "people", "venues")


@dataclass
class VersionContent:
    """What a version holds besides its periods. ``scope``: occupation id → levels (high to low)."""

    name: str
    address: str
    kind: str
    evaluation_types: list[str]
    coverage: str
    people: dict[str, Any]
    venues: str
    scope: dict[int, list[int]] = field(default_factory=dict)


def content_from_application(application: Any) -> VersionContent:
    """The filing-form content of an application, as a version would hold it (no phones or ID numbers; an
    examiner's ID number only as its blind index ``id_index``)."""
    people: dict[str, Any] = {
        "legal_rep": application.legal_rep_name,
        "head": application.head_name,
        "examiners": [],
        "supervisors": [],
        "finance": [],
        "staff": [],
    }
    for p in application.people.select_related("occupation").order_by("role", "id"):
        if p.role == "examiner":
            people["examiners"].append(
                {
                    "name": p.name,
                    "occupation": p.occupation.code if p.occupation else "",
                    "level": p.level,
                    "certificate_code": p.certificate_code,
                    "own_staff": p.own_staff,
                    # who the person is across filings: the ID number's blind index, never the number
                    **({"id_index": p.id_number_bidx} if p.id_number_bidx else {}),
                }
            )
        elif p.role == "supervisor":
            people["supervisors"].append(p.name)
        elif p.role == "finance":
            people["finance"].append(p.name)
        else:
            people["staff"].append({"role": p.role, "name": p.name})
    scope: dict[int, set[int]] = {}
    for line in application.scope.all():
        scope.setdefault(line.occupation_id, set()).update(line.levels)
    return VersionContent(
        name=application.institution_name,
        address=application.institution_address,
        kind=application.institution_kind,
        evaluation_types=list(application.evaluation_types),
        coverage="；".join(
            x for x in [application.coverage_region, application.coverage_industry, application.coverage_unit] if x
        ),
        people=people,
        venues=application.venue_description,
        scope={occ: sorted(lv, reverse=True) for occ, lv in scope.items()},
    )


def content_of(version: FilingVersion) -> VersionContent:
    return VersionContent(
        **{f: getattr(version, f) for f in CONTENT_FIELDS},
        scope={s.occupation_id: list(s.levels) for s in version.scope.all()},
    )


def _overlaps(a_from: dt.date, a_to: dt.date | None, b_from: dt.date, b_to: dt.date | None) -> bool:
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)


def filing_version_create(
    *,
    filing: Filing,
    content: VersionContent,
    effective_from: dt.date,
    valid_from: dt.date,
    valid_to: dt.date,
    actor: Any,
    change_kind: str,
    application: Any = None,
    decision: Any = None,
    summary: str = "",
) -> FilingVersion:
    """Append a version in force from ``effective_from``; the open version before it ends the day before.

    Refused (``VERSION_OVERLAP``) when the new period would overlap a version that is not the open one
    or would start on or before the open version's first day: nothing is written then.
    """
    if valid_to < valid_from:
        raise ValidationFailed("有效期止不能早于有效期起", code="VALIDITY_INVALID", field="valid_to")
    with transaction.atomic():
        locked = Filing.objects.select_for_update().get(pk=filing.pk)
        versions = list(FilingVersion.objects.select_for_update().filter(filing=locked).order_by("number"))
        current = next((v for v in versions if v.effective_to is None), None)
        for v in versions:
            end = v.effective_to
            if v is current:
                if effective_from <= v.effective_from:
                    raise ValidationFailed(
                        f"新版本生效日 {effective_from:%Y-%m-%d} 不晚于现行第 {v.number} 版的生效日 "
                        f"{v.effective_from:%Y-%m-%d}，两个版本的有效时段会重叠",
                        code="VERSION_OVERLAP",
                        field="effective_from",
                    )
                continue
            if _overlaps(effective_from, None, v.effective_from, end):
                raise ValidationFailed(
                    f"新版本的生效时段与第 {v.number} 版（{v.effective_from:%Y-%m-%d} 至 {end:%Y-%m-%d}）重叠",
                    code="VERSION_OVERLAP",
                    field="effective_from",
                )
        if current is not None:
            current.effective_to = effective_from - dt.timedelta(days=1)
            current.save(update_fields=["effective_to"])
        number = (versions[-1].number + 1) if versions else 1
        version = FilingVersion.objects.create(
            filing=locked,
            number=number,
            effective_from=effective_from,
            effective_to=None,
            valid_from=valid_from,
            valid_to=valid_to,
            application=application,
            decision=decision,
            change_kind=change_kind,
            summary=summary[:500],
            created_at=clock.now(),
            **{f: getattr(content, f) for f in CONTENT_FIELDS},
        )
        FilingVersionScope.objects.bulk_create(
            [FilingVersionScope(version=version, occupation_id=occ, levels=lv) for occ, lv in content.scope.items()]
        )
        # The denormalised "current" copy, for readers that only ask about today.
        Filing.objects.filter(pk=locked.pk).update(
            name=content.name,
            address=content.address,
            kind=content.kind,
            evaluation_types=content.evaluation_types,
            coverage=content.coverage,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        FilingScope.objects.filter(filing=locked).delete()
        FilingScope.objects.bulk_create(
            [FilingScope(filing=locked, occupation_id=occ, levels=lv) for occ, lv in content.scope.items()]
        )
        audit_record(
            actor=actor,
            action="filing.version",
            obj=locked,
            summary=f"{content.name}（{locked.code}）第 {number} 版备案信息自 {effective_from:%Y-%m-%d} 起生效"
            + (f"：{summary}" if summary else ""),
            after={
                "number": number,
                "change_kind": change_kind,
                "effective_from": effective_from,
                "valid_from": valid_from,
                "valid_to": valid_to,
                "scope": {str(k): v for k, v in content.scope.items()},
            },
        )
    for f in ("name", "address", "kind", "evaluation_types", "coverage", "valid_from", "valid_to"):
        setattr(filing, f, getattr(version, f))
    return version
