"""Data-scoped reads of the certificate registry. Out of scope is a 404, never a 403.

* institution users: their own unit's filings, certificates, batches and imports;
* staff: filings of their authority's region and every region below it (``region.path`` prefix);
* everyone else — experts, the public, system/security/audit administrators and superusers — nothing here
  (issue 12 item 2; the public reads ``verification``). The scope itself is ``accounts.scope.case_scope_q``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from skillreg.accounts import scope
from skillreg.core import crypto
from skillreg.evaluations.models import EvaluationPlan
from skillreg.institutions.models import Filing

from . import numbers
from .models import VISIBLE_STATUSES, Certificate, ImportJob
from .pipeline import HOLDER_ID_PURPOSE

MAX_QUERY = 100


def filing_scope(user: Any, prefix: str = "") -> Q | None:
    """The Q that limits filings (through ``prefix``) to the user's scope; ``None`` = no access at all."""
    return scope.case_scope_q(user, prefix)


def filing_by_code(code: str) -> Filing | None:
    """Any filing by its code, unscoped: for the command line, which acts as the system."""
    return Filing.objects.filter(code=numbers.normalise(code or "")).select_related("region", "unit").first()


def filings_for(user: Any) -> QuerySet[Filing]:
    limit = filing_scope(user)
    if limit is None:
        return Filing.objects.none()
    return Filing.objects.filter(limit).select_related("region", "authority", "unit").order_by("code")


def filing_for(user: Any, code: str) -> Filing:
    filing = filings_for(user).filter(code=(code or "").strip().upper()).first()
    if filing is None:
        raise Http404("未找到该评价机构")
    return filing


def default_filing_for(user: Any) -> Filing | None:
    """An institution user's current filing (the most recent one of the unit)."""
    if not scope.is_institution(user):
        return None
    return filings_for(user).order_by("-filed_on", "-id").first()


def certificates_for(
    user: Any,
    *,
    filing: Filing | None = None,
    q: str = "",
    status: str = "",
    occupation: str = "",
    level: int | None = None,
    year: int | None = None,
    batch: EvaluationPlan | None = None,
) -> QuerySet[Certificate]:
    """Certificates in scope, filtered. ``q`` is a certificate number, an ID number (exact, through the
    blind index) or a holder name (exact)."""
    limit = filing_scope(user)
    if limit is None:
        return Certificate.objects.none()
    # The scope as the filings' ids (a subquery on the small filing table), not a join through filing and region
    # for every certificate row: the list's order index is then filtered on the certificate row alone (issue 16).
    in_scope = Filing.objects.filter(limit).values("pk")
    if batch is not None:
        # One plan's certificates are its institution's: the scope is checked on that one filing, and the rows
        # are found by the plan and that filing (index cert_batch_order). With the subquery of every filing in
        # scope PostgreSQL intersected the plan's index with each filing's 50,000 rows to count them (issue 16).
        allowed = in_scope.filter(pk=batch.filing_id).exists()
        qs = Certificate.objects.filter(batch=batch, filing_id=batch.filing_id, status__in=VISIBLE_STATUSES)
        qs = qs if allowed else qs.none()
    else:
        qs = Certificate.objects.filter(filing_id__in=in_scope, status__in=VISIBLE_STATUSES)  # not staged rows
    if filing is not None:
        qs = qs.filter(filing=filing)
    q = (q or "").strip()[:MAX_QUERY]
    if q:
        n = numbers.normalise(q)
        if len(n) == numbers.LENGTH and n[0] in numbers.LETTERS:
            qs = qs.filter(number=n)
        elif len(n) >= 15 and n[:-1].isdigit():
            qs = qs.filter(holder_id_index=crypto.blind_index(n, purpose=HOLDER_ID_PURPOSE))
        else:
            qs = qs.filter(holder_name=q)
    if status:
        qs = qs.filter(status=status)
    if occupation:
        qs = qs.filter(occupation__code=occupation)
    if level:
        qs = qs.filter(level=level)
    if year:
        qs = qs.filter(issue_date__year=year)
    return qs.select_related("filing", "batch").defer("holder_id").order_by("-issue_date", "number")


def certificate_for(user: Any, number: str) -> Certificate:
    limit = filing_scope(user, "filing__")
    if limit is None:
        raise Http404("未找到该证书")
    cert = (
        Certificate.objects.filter(limit, number=numbers.normalise(number), status__in=VISIBLE_STATUSES)
        .select_related("filing", "batch", "occupation")
        .first()
    )
    if cert is None:
        raise Http404("未找到该证书")
    return cert


def batches_for(user: Any, *, filing: Filing | None = None, year: int | None = None) -> QuerySet[EvaluationPlan]:
    limit = filing_scope(user, "filing__")
    if limit is None:
        return EvaluationPlan.objects.none()
    qs = EvaluationPlan.objects.filter(limit).select_related("filing", "occupation")
    if filing is not None:
        qs = qs.filter(filing=filing)
    if year:
        qs = qs.filter(ends_on__year=year)
    return qs.order_by("-ends_on", "number")


def batch_for(user: Any, pk: int) -> EvaluationPlan:
    batch = batches_for(user).filter(pk=pk).first()
    if batch is None:
        raise Http404("未找到该评价计划")
    return batch


def import_jobs_for(user: Any, *, filing: Filing | None = None) -> QuerySet[ImportJob]:
    limit = filing_scope(user, "filing__")
    if limit is None:
        return ImportJob.objects.none()
    qs = ImportJob.objects.filter(limit).select_related("filing")
    if filing is not None:
        qs = qs.filter(filing=filing)
    return qs.order_by("-created_at")


def import_job_for(user: Any, public_id: Any) -> ImportJob:
    job = import_jobs_for(user).filter(public_id=public_id).first()
    if job is None:
        raise Http404("未找到该导入任务")
    return job
