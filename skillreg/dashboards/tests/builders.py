"""Known data for the dashboard tests: filings with a dated status history and versions, cases with running
clocks, certificates and evaluation batches. Rows are written directly (the figures, not the workflows, are
under test); each builder says what it makes."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from django.utils import timezone

from skillreg.applications.models import Application
from skillreg.certificates import counts
from skillreg.certificates.models import Certificate
from skillreg.core import testing
from skillreg.evaluations.models import EvaluationPlan, PlanStatus
from skillreg.institutions.models import Filing, FilingStatusChange, FilingVersion
from skillreg.occupations.models import Occupation
from skillreg.portal.tests.factories import make_application, make_filing, make_unit

SHANGHAI = ZoneInfo("Asia/Shanghai")
_seq = itertools.count(1)


def filing(
    region: str,
    kind: str,
    history: list[tuple[dt.date, str]],
    kinds: list[tuple[dt.date, str]] | None = None,
    *,
    versions: bool = True,
) -> Filing:
    """A filing of ``region`` whose status history is ``history`` [(effective_on, to_status)] (the first entry is
    the filing itself) and whose versions have the kinds ``kinds`` [(effective_from, kind)] (default: one version
    of ``kind`` from the filing day; none at all with ``versions=False``, as for filings older than versions)."""
    filed_on = history[0][0]
    f = make_filing(
        name=f"测试评价机构{next(_seq)}", region_code=region, kind=kind, status=history[-1][1], filed_on=filed_on
    )
    prev = ""
    for n, (day, status) in enumerate(history):
        FilingStatusChange.objects.create(
            filing=f,
            action="file" if n == 0 else "test",
            from_status=prev,
            to_status=status,
            effective_on=day,
            at=timezone.now(),
        )
        prev = status
    kinds = (kinds or [(filed_on, kind)]) if versions else []
    for n, (start, k) in enumerate(kinds):
        end = kinds[n + 1][0] - dt.timedelta(days=1) if n + 1 < len(kinds) else None
        FilingVersion.objects.create(
            filing=f,
            number=n + 1,
            effective_from=start,
            effective_to=end,
            name=f.name,
            address=f.address,
            kind=k,
            evaluation_types=["skill_level"],
            valid_from=f.valid_from,
            valid_to=f.valid_to,
            created_at=timezone.now(),
        )
    return f


def case(region: str, state: str, *, submitted: dt.date, accepted: dt.date | None = None) -> Application:
    """A case of ``region`` in ``state``, submitted (and received) on ``submitted``, accepted on ``accepted``."""
    app = make_application(
        unit=make_unit(region_code=region),
        name=f"测试申请机构{next(_seq)}",
        region_code=region,
        kind="social_org",
        state=state,
    )
    at = dt.datetime.combine(submitted, dt.time(10), tzinfo=SHANGHAI)
    Application.objects.filter(pk=app.pk).update(
        submitted_at=at,
        received_at=at,
        accepted_at=dt.datetime.combine(accepted, dt.time(10), tzinfo=SHANGHAI) if accepted else None,
    )
    return app


def batch(f: Filing, occupation: str, level: int, *, ends_on: dt.date, applicants: int, passes: int) -> EvaluationPlan:
    return EvaluationPlan.objects.create(
        filing=f,
        number=f"PJ-{next(_seq)}",
        occupation=Occupation.objects.get(code=occupation),
        level=level,
        evaluation_type="skill_level",
        starts_on=ends_on - dt.timedelta(days=3),
        ends_on=ends_on,
        applicants=applicants,
        passes=passes,
        status=PlanStatus.RESULTS_ACCEPTED,
        roster_required=False,
        created_at=timezone.now(),
    )


def certificates(b: EvaluationPlan, n: int, *, issued: dt.date, revoked: int = 0) -> list[Certificate]:
    """``n`` valid certificates of batch ``b`` issued on ``issued`` (``revoked`` more, revoked)."""
    out = []
    for i in range(n + revoked):
        serial = next(_seq)
        out.append(
            Certificate.objects.create(
                number=f"T{b.filing_id:04d}{serial:08d}",
                filing=b.filing,
                batch=b,
                holder_name="测试",
                holder_id=testing.make_id_number("500238", "19980101", serial % 1000),
                holder_id_masked="5002**",
                occupation=b.occupation,
                occupation_name=b.occupation.name,
                level=b.level,
                issue_date=issued,
                status="revoked" if i >= n else "valid",
                created_at=timezone.now(),
            )
        )
    counts.recount([b.filing_id])  # written around the services: the count summary follows
    return out
