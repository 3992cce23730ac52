"""Audit trail (issue 5, item 3): HMAC-SM3 chain, `audit verify` naming the first altered, deleted or inserted
record, the database refusing UPDATE and DELETE, the audit viewer for the audit administrator only."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from skillreg.audit.db import audit_maintenance
from skillreg.audit.models import AuditHead, AuditRecord
from skillreg.audit.services import audit_record, record_mac
from skillreg.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def _chain(n: int = 5) -> list[AuditRecord]:
    with transaction.atomic():
        return [
            audit_record(actor=None, action="test.write", object_type="t", object_id=i, summary=f"#{i}")
            for i in range(n)
        ]


def _raw(sql: str, params: list | None = None) -> None:
    """Bypass the ORM as an attacker with SQL access would; the triggers still apply."""
    with connection.cursor() as cur:
        cur.execute(sql, params or [])


def test_every_record_has_the_required_fields(wuxi_officer, client):
    client.force_login(wuxi_officer)
    record = AuditRecord.objects.filter(action="auth.login").latest("seq")
    assert record.at and record.actor_id == wuxi_officer.pk and record.role == "staff"
    assert record.action == "auth.login" and record.object_type == "accounts.user" and record.result == "ok"
    assert len(record.mac) == 64 and verify_chain().ok


@pytest.mark.parametrize("statement", ["UPDATE audit_auditrecord SET summary = 'x'", "DELETE FROM audit_auditrecord"])
def test_the_database_refuses_update_and_delete(statement):
    _chain(3)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(statement)
    assert AuditRecord.objects.count() == 3 and verify_chain().ok


def test_the_orm_cannot_delete_or_update_either():
    records = _chain(2)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.filter(pk=records[0].pk).update(result="refused")
    with pytest.raises(DatabaseError), transaction.atomic():
        records[1].delete()
    assert AuditRecord.objects.count() == 2


@pytest.mark.postgres
def test_postgres_refuses_truncate():
    _chain(2)
    _raw("SET CONSTRAINTS ALL IMMEDIATE")  # run the pending deferred FK checks first
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw("TRUNCATE audit_auditrecord")


def _tamper(sql: str, params: list) -> None:
    """What someone with the database's owner rights could still do: drop the protection, change, restore."""
    with audit_maintenance():
        if connection.vendor == "sqlite":
            _raw("DROP TRIGGER audit_record_no_update")
            _raw(sql, params)
            from skillreg.audit.db import SQLITE_SQL

            _raw(SQLITE_SQL[0])
        else:
            _raw("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses pending deferred FK checks
            _raw("ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_record_append_only")
            _raw(sql, params)
            _raw("ALTER TABLE audit_auditrecord ENABLE TRIGGER audit_record_append_only")


def test_verify_names_an_altered_record_and_exits_non_zero():
    records = _chain(5)
    call_command("audit", "verify")
    _tamper("UPDATE audit_auditrecord SET summary = %s WHERE seq = %s", ["改过了", records[2].seq])
    report = verify_chain()
    assert not report.ok and report.seq == records[2].seq and "篡改" in report.problem
    with pytest.raises(CommandError, match=f"#{records[2].seq}"):
        call_command("audit", "verify")


def test_verify_names_a_deleted_record():
    records = _chain(5)
    _tamper("DELETE FROM audit_auditrecord WHERE seq = %s", [records[1].seq])
    report = verify_chain()
    assert not report.ok and report.seq == records[1].seq and "缺失" in report.problem


def test_verify_names_a_deleted_last_record():
    records = _chain(3)
    _tamper("DELETE FROM audit_auditrecord WHERE seq = %s", [records[-1].seq])
    report = verify_chain()
    assert not report.ok and report.seq == records[-1].seq


def test_verify_names_an_inserted_record():
    records = _chain(4)
    # shift the later records up by one and slip a forged record in at seq 2, with a MAC made without the key
    seqs = [r.seq for r in records]
    _tamper("UPDATE audit_auditrecord SET seq = seq + 1000 WHERE seq > %s", [seqs[1]])
    forged = AuditRecord(
        seq=seqs[1] + 1,
        at=records[1].at,
        action="test.forged",
        prev_mac=records[1].mac,
        mac="f" * 64,
    )
    with audit_maintenance():
        forged.save(force_insert=True)
    report = verify_chain()
    assert not report.ok and report.seq == seqs[1] + 1


@pytest.mark.django_db(transaction=True)
def test_a_record_written_without_its_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="test.outside")


def test_a_failed_change_leaves_no_record():
    before = AuditRecord.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_record(actor=None, action="test.rolled_back")
        1 / 0  # noqa: B018
    assert AuditRecord.objects.count() == before
    head = AuditHead.objects.filter(id=1).first()
    assert (head.seq if head else 0) == before
    assert verify_chain().ok


def test_mac_depends_on_the_key(settings):
    record = _chain(1)[0]
    settings.SKILLREG_AUDIT_KEY = "00" * 16
    assert record_mac(record, record.prev_mac) != record.mac


# --- viewer -------------------------------------------------------------------------------------


def test_audit_viewer_is_for_the_audit_admin_only(client, sysadmin, security_admin, wuxi_officer, wuxi_institution):
    for user in (sysadmin, security_admin, wuxi_officer, wuxi_institution):
        client.force_login(user)
        assert client.get(reverse("audit:search")).status_code == 404
        assert client.get(reverse("audit:verify")).status_code == 404
    client.logout()
    assert client.get(reverse("audit:search")).status_code == 302


def test_audit_admin_searches_and_the_search_is_audited(client, audit_admin, wuxi_institution):
    _chain(3)
    client.force_login(audit_admin)
    response = client.get(reverse("audit:search"), {"action": "test.", "actor": "system"})
    body = response.content.decode()
    assert response.status_code == 200 and body.count("<td>其他操作</td>") >= 3  # labels, not codes (issue 11)
    search = AuditRecord.objects.filter(action="audit.search").latest("seq")
    assert search.actor_id == audit_admin.pk and search.after == {"action": "test.", "actor": "system"}
    assert client.get(reverse("audit:search"), {"date_from": "2026-02-01", "date_to": "2026-01-01"}).status_code == 400
    verify = client.get(reverse("audit:verify"))
    assert "审计链完好" in verify.content.decode()
    assert AuditRecord.objects.filter(action="audit.verify", actor=audit_admin).exists()


def test_audit_viewer_has_no_way_to_edit(client, audit_admin):
    client.force_login(audit_admin)
    assert client.post(reverse("audit:search"), {"action": "x"}).status_code == 405


# --- issue 12, item 12: the head is anchored outside the database ------------------------------------------------


def _move_head_back_to(record) -> None:
    with audit_maintenance():
        _raw("UPDATE audit_audithead SET seq = %s, mac = %s WHERE id = 1", [record.seq, record.mac])


def test_deleting_the_last_records_and_moving_the_head_back_is_detected_by_the_checkpoint():
    from skillreg.audit.checkpoint import checkpoint_write

    records = _chain(5)
    call_command("audit", "checkpoint")
    _tamper("DELETE FROM audit_auditrecord WHERE seq > %s", [records[2].seq])
    _move_head_back_to(records[2])
    report = verify_chain()
    assert not report.ok and "链尾被移回" in report.problem, report
    with pytest.raises(CommandError, match="链尾被移回"):
        call_command("audit", "verify")
    assert checkpoint_write() is not None  # a later checkpoint of the shortened chain is a fact, not a pardon


def test_a_forged_checkpoint_line_is_ignored(settings):
    import json
    from pathlib import Path

    records = _chain(4)
    call_command("audit", "checkpoint")
    _tamper("DELETE FROM audit_auditrecord WHERE seq > %s", [records[1].seq])
    _move_head_back_to(records[1])
    forged = {"seq": records[1].seq, "mac": records[1].mac, "at": "2026-12-01T00:00:00", "kind": "periodic"}
    with open(Path(settings.SKILLREG_AUDIT_CHECKPOINT_FILE), "a") as fh:
        fh.write(json.dumps({**forged, "sig": "0" * 64}) + "\n")  # made without the audit key
    assert not verify_chain().ok


def test_the_checkpoint_file_holds_signed_heads_only(settings):
    import json
    import stat
    from pathlib import Path

    records = _chain(2)
    call_command("audit", "checkpoint")
    path = Path(settings.SKILLREG_AUDIT_CHECKPOINT_FILE)
    line = json.loads(path.read_text().splitlines()[-1])
    assert line["seq"] == AuditRecord.objects.order_by("-seq").first().seq >= records[-1].seq
    assert set(line) == {"seq", "mac", "at", "kind", "sig"} and stat.S_IMODE(path.stat().st_mode) == 0o640
    assert verify_chain().ok
