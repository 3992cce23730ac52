"""Writes of the certificate registry: revocation. Imports are in ``imports.py``; evaluation plans and their
results are written by ``skillreg.evaluations.services``.

Each service validates, writes in one transaction and records the audit entry in it. An institution acts
only for its own unit's filing, staff only for filings of their region and below (CQ-4 "谁评价，谁发证，谁负责").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction

from skillreg.accounts import scope
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.institutions.models import Filing

from . import counts
from .models import Certificate, CertificateStatus


def check_actor_for_filing(actor: Any, filing: Filing) -> None:
    """Institution users act for their own unit, staff for their region and below; a string actor is the
    system (command line)."""
    if isinstance(actor, str):
        return
    if scope.is_institution(actor) and actor.unit_id == filing.unit_id:
        return
    if scope.supervises(actor, filing):
        return
    # Administrators and superusers write no certificate data (issue 12 item 2).
    raise PermissionDeniedError("无权为该评价机构办理此事项", code="CERT_NOT_ALLOWED")


def certificates_publish_staged(*, job_id: int, id_from: int, id_to: int) -> int:
    """An all-or-nothing import's staged rows (ids in ``[id_from, id_to)``) become valid, once the job's
    ``done`` status is committed (``staging.publish`` calls this a bounded window at a time; issue 12, item 3).
    No audit record of its own: the job's final record is the decision being carried out."""
    table = connection.ops.quote_name(Certificate._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        # RETURNING: the rows this statement moved (not those a concurrent settle moved), for the count summary
        cursor.execute(
            f"UPDATE {table} SET status = %s "  # noqa: S608 - our own names
            "WHERE import_job_id = %s AND status = %s AND id >= %s AND id < %s " + counts.RETURNING,
            [CertificateStatus.VALID.value, job_id, CertificateStatus.STAGED.value, id_from, id_to],
        )
        published = cursor.fetchall()
        counts.add(counts.moved(published, old=CertificateStatus.STAGED, new=CertificateStatus.VALID))
        return len(published)


def certificate_revoke(
    *, certificate: Certificate, reason: str, actor: Any, revoked_on: dt.date | None = None
) -> Certificate:
    """Revoke a certificate (撤销) with a reason; it then verifies as revoked. Never deleted."""
    check_actor_for_filing(actor, certificate.filing)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写撤销原因", code="REVOKE_REASON_REQUIRED", field="reason")
    if len(reason) > 500:
        raise ValidationFailed("撤销原因不超过500字", code="REVOKE_REASON_TOO_LONG", field="reason")
    today = clock.today()
    revoked_on = revoked_on or today
    if revoked_on > today or revoked_on < certificate.issue_date:
        raise ValidationFailed("撤销日期应在发证日期与今天之间", code="REVOKE_DATE_INVALID", field="revoked_on")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status == CertificateStatus.REVOKED:
            raise TransitionNotAllowed("该证书已撤销", code="CERT_ALREADY_REVOKED")
        before = str(locked.status)
        locked.status = CertificateStatus.REVOKED
        locked.revoked_on = revoked_on
        locked.revoked_reason = reason
        locked.revoked_by = None if isinstance(actor, str) else actor
        locked.save(update_fields=["status", "revoked_on", "revoked_reason", "revoked_by"])
        key = [(locked.filing_id, locked.batch_id, locked.occupation_id, locked.level, locked.issue_date)]
        counts.add(counts.moved(key, old=before, new=CertificateStatus.REVOKED))
        audit_record(
            actor=actor,
            action="certificate.revoke",
            obj=locked,
            summary=f"撤销证书 {locked.number}",
            before={"status": CertificateStatus.VALID},
            after={"status": CertificateStatus.REVOKED, "revoked_on": revoked_on, "reason": reason},
            rule="CQ-4",
        )
    return locked


def certificate_counts_recount(*, actor: Any, filing_ids: list[int] | None = None) -> int:
    """Rebuild the count summary from the certificates (``manage.py certificates recount``): after a repair of
    the certificate table by hand, or if ``--check`` found a difference. Returns the summary rows written."""
    with transaction.atomic():
        written = counts.recount(filing_ids)
        audit_record(
            actor=actor,
            action="certificate.counts_recount",
            object_type="certificates.certificatecount",
            summary="按证书登记库重新统计证书计数",
            after={"rows": written, "filings": filing_ids or "all"},
        )
    return written
