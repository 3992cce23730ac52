"""Bulk import through the real services: files, modes, duplicates, idempotence, error workbook, encodings."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.db import connection
from openpyxl import load_workbook

from skillreg.audit.models import AuditRecord
from skillreg.certificates.imports import import_job_create, import_job_run
from skillreg.certificates.models import Certificate, ImportJob
from skillreg.certificates.pipeline import HOLDER_ID_PURPOSE
from skillreg.core import crypto
from skillreg.core.testing import upload

from .conftest import good_row, to_csv, to_xlsx

pytestmark = pytest.mark.django_db


def run(filing, user, data: bytes, name: str = "证书.csv", mode: str = "all_or_nothing", **kw) -> ImportJob:
    job = import_job_create(filing=filing, actor=user, fileobj=upload(data, name), name=name, mode=mode)
    return import_job_run(job, **kw)


def error_rows(job: ImportJob) -> list[tuple]:
    """(row, column, code, message) of each line of the error workbook. The workbook itself shows no codes
    (issue 11); the code is looked up in the job's first errors by row, column and message."""
    wb = load_workbook(io.BytesIO((settings.MEDIA_ROOT / job.errors_storage_name).read_bytes()), read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("行号", "出错的列", "错误说明")
    codes = {(e["row"] or "—", e["column"], e["message"]): e["code"] for e in job.first_errors}
    return [(r[0], r[1], codes.get((r[0], r[1], r[2]), ""), r[2]) for r in rows[1:]]


def test_a_good_xlsx_is_imported_encrypted_indexed_masked_and_audited(cert_filing, batch, wuxi_institution):
    rows = [good_row(cert_filing, n) for n in range(1, 4)]
    job = run(cert_filing, wuxi_institution, to_xlsx(rows), "证书.xlsx")
    assert (job.status, job.rows_read, job.rows_created, job.rows_invalid, job.file_format) == (
        "done",
        3,
        3,
        0,
        "xlsx",
    ), job.first_errors
    cert = Certificate.objects.get(number=rows[0]["number"])
    assert cert.holder_id == rows[0]["id_number"]  # decrypts through the field
    raw = Certificate.objects.filter(pk=cert.pk).values_list("holder_id", flat=True).get()
    assert raw.startswith("sm4gcm:") and rows[0]["id_number"] not in raw
    assert cert.holder_id_index == crypto.blind_index(rows[0]["id_number"], purpose=HOLDER_ID_PURPOSE)
    assert cert.holder_id_masked == rows[0]["id_number"][:6] + "********" + rows[0]["id_number"][-4:]
    assert (cert.filing_id, cert.batch_id, cert.level, cert.occupation_name, cert.source_row) == (
        cert_filing.pk,
        batch.pk,
        4,
        "电工",
        2,
    )
    assert AuditRecord.objects.filter(action="certificate.import", object_id=str(job.pk)).exists()
    # The upload (plain ID numbers) is gone once imported; the job keeps its name and hash.
    assert job.storage_name == "" and job.sha256 and not list((settings.MEDIA_ROOT / "cert-imports").glob("*.upload"))


def test_the_same_file_twice_creates_no_duplicates(cert_filing, batch, wuxi_institution):
    data = to_csv([good_row(cert_filing, n) for n in range(1, 6)])
    first = run(cert_filing, wuxi_institution, data)
    second = run(cert_filing, wuxi_institution, data)
    assert (first.rows_created, second.rows_created, second.rows_unchanged, second.status) == (5, 0, 5, "done")
    assert second.same_file_as_id == first.pk
    assert Certificate.objects.filter(filing=cert_filing).count() == 5


def test_all_or_nothing_imports_nothing_when_one_row_is_wrong(cert_filing, batch, wuxi_institution):
    rows = [good_row(cert_filing, n) for n in range(1, 5)]
    rows[2]["level"] = 6
    job = run(cert_filing, wuxi_institution, to_csv(rows))
    assert (job.status, job.rows_created, job.rows_invalid, job.rows_valid) == ("rejected", 0, 1, 3)
    assert Certificate.objects.count() == 0
    assert "未导入任何数据" in job.message
    errors = error_rows(job)
    assert (4, "等级", "LEVEL_INVALID") == errors[0][:3]
    assert "1–5" in errors[0][3]


def test_valid_rows_only_imports_the_good_rows(cert_filing, batch, wuxi_institution):
    rows = [good_row(cert_filing, n) for n in range(1, 5)]
    rows[1]["id_number"] = rows[1]["id_number"][:-1] + ("1" if rows[1]["id_number"][-1] != "1" else "2")
    job = run(cert_filing, wuxi_institution, to_csv(rows), mode="valid_only")
    assert (job.status, job.rows_created, job.rows_invalid) == ("partial", 3, 1)
    assert [e[:3] for e in error_rows(job)] == [(3, "证件号码", "ID_INVALID_CHECKSUM")]
    assert not Certificate.objects.filter(number=rows[1]["number"]).exists()


def test_duplicates_within_the_file_are_found_across_chunks(cert_filing, batch, wuxi_institution, settings):
    settings.SKILLREG_CERT_IMPORT_CHUNK = 2
    rows = [good_row(cert_filing, n) for n in range(1, 5)]
    rows.append(dict(rows[0]))  # same number as row 2 of the sheet, three chunks later
    rows.append(good_row(cert_filing, 9, id_number=rows[1]["id_number"]))  # same holder, occupation and level
    job = run(cert_filing, wuxi_institution, to_csv(rows), mode="valid_only")
    codes = {(e[0], e[2]) for e in error_rows(job)}
    assert codes == {(6, "CERT_DUPLICATE_IN_FILE"), (7, "CERT_HOLDER_DUPLICATE_IN_FILE")}
    assert "第2行" in job.first_errors[0]["message"]
    assert job.rows_created == 4


def test_all_or_nothing_finds_duplicates_across_chunks_and_rolls_back(cert_filing, batch, wuxi_institution, settings):
    settings.SKILLREG_CERT_IMPORT_CHUNK = 2
    rows = [good_row(cert_filing, n) for n in range(1, 5)] + [good_row(cert_filing, 1)]
    job = run(cert_filing, wuxi_institution, to_csv(rows))
    assert job.status == "rejected" and [e[2] for e in error_rows(job)] == ["CERT_DUPLICATE_IN_FILE"]
    assert Certificate.objects.count() == 0


def test_duplicates_against_the_database(cert_filing, batch, wuxi_institution):
    run(cert_filing, wuxi_institution, to_csv([good_row(cert_filing, 1), good_row(cert_filing, 2)]))
    changed = good_row(cert_filing, 1, holder_name="王五")  # same number, another holder
    same_holder = good_row(cert_filing, 3, id_number=good_row(cert_filing, 2)["id_number"], holder_name="李二丙")
    job = run(
        cert_filing, wuxi_institution, to_csv([changed, same_holder, good_row(cert_filing, 4)]), mode="valid_only"
    )
    assert [e[2] for e in error_rows(job)] == ["CERT_NUMBER_TAKEN", "CERT_HOLDER_DUPLICATE"]
    assert job.rows_created == 1


def test_numbers_are_generated_when_blank_and_stay_idempotent(cert_filing, batch, wuxi_institution):
    run(cert_filing, wuxi_institution, to_csv([good_row(cert_filing, 7)]))  # an explicit 000007 exists
    rows = [good_row(cert_filing, n, number="") for n in range(1, 4)]
    job = run(cert_filing, wuxi_institution, to_csv(rows))
    assert job.rows_created == 3
    generated = sorted(Certificate.objects.filter(source_row__isnull=False).values_list("number", flat=True))
    prefix = cert_filing.code + "264"
    assert generated == [prefix + "000007", prefix + "000008", prefix + "000009", prefix + "000010"]
    again = run(cert_filing, wuxi_institution, to_csv(rows))
    assert (again.rows_created, again.rows_unchanged) == (0, 3)


def test_more_certificates_than_passes_are_refused(cert_filing, batch, wuxi_institution):
    batch.passes = 2
    batch.save(update_fields=["passes"])
    job = run(cert_filing, wuxi_institution, to_csv([good_row(cert_filing, n) for n in range(1, 4)]), mode="valid_only")
    assert job.rows_created == 2 and [e[2] for e in error_rows(job)] == ["BATCH_PASSES_EXCEEDED"]


def test_a_gbk_csv_is_read_as_chinese(cert_filing, batch, wuxi_institution):
    rows = [good_row(cert_filing, 1, holder_name="欧阳娜娜", work_type="低压电工")]
    job = run(cert_filing, wuxi_institution, to_csv(rows, encoding="gbk"))
    assert job.status == "done", job.first_errors
    cert = Certificate.objects.get()
    assert (cert.holder_name, cert.work_type) == ("欧阳娜娜", "低压电工")


def test_a_row_with_undecodable_bytes_is_a_row_error(cert_filing, batch, wuxi_institution):
    data = to_csv([good_row(cert_filing, 1), good_row(cert_filing, 2, holder_name="李四")], encoding="utf-8")
    data = data.replace("李四".encode(), "李四".encode("gbk"))
    job = run(cert_filing, wuxi_institution, data, mode="valid_only")
    assert [e[2] for e in error_rows(job)] == ["ROW_ENCODING"]
    assert job.rows_created == 1


def test_a_truncated_xlsx_is_one_clear_file_error_and_imports_nothing(cert_filing, batch, wuxi_institution):
    data = to_xlsx([good_row(cert_filing, n) for n in range(1, 4)])
    job = run(cert_filing, wuxi_institution, data[: len(data) // 2], "证书.xlsx", mode="valid_only")
    assert job.status == "failed" and job.rows_created == 0
    assert job.first_errors[0]["code"] == "IMPORT_FILE_CORRUPT" and "损坏" in job.message
    assert Certificate.objects.count() == 0


def test_an_excel_numeric_id_cell_is_a_row_error(cert_filing, batch, wuxi_institution):
    row = good_row(cert_filing, 1, id_number=float(good_row(cert_filing, 1)["id_number"]))
    job = run(cert_filing, wuxi_institution, to_xlsx([row]), "证书.xlsx")
    assert job.status == "rejected" and error_rows(job)[0][2] == "ID_NUMERIC_CELL"


def test_a_missing_header_fails_the_file(cert_filing, batch, wuxi_institution):
    job = run(cert_filing, wuxi_institution, "姓名,等级\n张三,4\n".encode())
    assert job.status == "failed" and job.first_errors[0]["code"] == "HEADER_MISSING"


def test_an_old_xls_is_refused(cert_filing, wuxi_institution):
    job = run(cert_filing, wuxi_institution, b"\xd0\xcf\x11\xe0" + b"\0" * 600, "证书.xls")
    assert job.status == "failed" and job.first_errors[0]["code"] == "IMPORT_XLS_NOT_SUPPORTED"


def test_running_a_finished_job_again_changes_nothing(cert_filing, batch, wuxi_institution):
    job = run(cert_filing, wuxi_institution, to_csv([good_row(cert_filing, 1)]))
    assert import_job_run(job).status == "done" and Certificate.objects.count() == 1


def test_cli_import_exit_codes(cert_filing, batch, tmp_path, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    good = tmp_path / "good.csv"
    good.write_bytes(to_csv([good_row(cert_filing, 1)]))
    call_command("certificates", "import", str(good), "--institution", cert_filing.code)
    captured = capsys.readouterr()
    assert "新登记 1" in captured.out and "已处理 1" in captured.err
    bad = tmp_path / "bad.csv"
    bad.write_bytes(to_csv([good_row(cert_filing, 2, level=6)]))
    out = tmp_path / "errors.xlsx"
    with pytest.raises(CommandError) as exc:
        call_command("certificates", "import", str(bad), "--institution", cert_filing.code, "--errors", str(out))
    assert exc.value.returncode == 1 and out.exists()
    assert "LEVEL_INVALID" in capsys.readouterr().out
    with pytest.raises(CommandError) as exc:
        call_command("certificates", "import", str(good), "--institution", "S999950000001")
    assert exc.value.returncode == 2


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the child cannot reach an in-memory SQLite database")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_import_writes_in_a_second_process(wuxi_institution, wuxi_officer, settings):
    """Outside a transaction a large file is checked here and written by a spawned process (its own connection
    to the same database); the results are the same, and a reading failure rolls the child back."""
    import datetime as dt

    from skillreg.certificates import parallel
    from skillreg.certificates.context import load_facts
    from skillreg.certificates.readers import json_records
    from skillreg.evaluations.tests.builders import plan_results_in

    from .conftest import file_institution

    filing = file_institution(wuxi_institution, wuxi_officer)
    plan_results_in(
        filing=filing, actor=wuxi_institution, number="PJ-2026-001", occupation_code="6-31-01-03", level=4,
        starts_on=dt.date(2026, 3, 2), ends_on=dt.date(2026, 3, 6), applicants=50, passes=40,
    )  # fmt: skip
    settings.SKILLREG_CERT_IMPORT_CHUNK = 3
    rows = [good_row(filing, n) for n in range(1, 11)] + [good_row(filing, 1)]
    job = run(filing, wuxi_institution, to_csv(rows), mode="all_or_nothing", parallel=True)
    assert job.status == "rejected" and Certificate.objects.count() == 0
    assert [e["code"] for e in job.first_errors] == ["CERT_DUPLICATE_IN_FILE"] and job.errors_storage_name
    job = run(filing, wuxi_institution, to_csv(rows[:10]), mode="all_or_nothing", parallel=True)
    assert (job.status, job.rows_created) == ("done", 10)

    def breaking():
        for n, record in enumerate(json_records([good_row(filing, k) for k in range(11, 20)])):
            if n == 5:
                raise RuntimeError("disk gone")
            yield record

    queued = import_job_create(
        filing=filing, actor=wuxi_institution, fileobj=upload(b"x", "x.csv"), name="x.csv", mode="all_or_nothing"
    )
    ImportJob.objects.filter(pk=queued.pk).update(status="running")
    with pytest.raises(RuntimeError):
        parallel.run_job(
            job_id=queued.pk, facts=load_facts(filing), records=breaking(), all_or_nothing=True, estimated_rows=9,
            public_id=queued.public_id,
        )  # fmt: skip
    assert Certificate.objects.count() == 10  # the 3 rows the child had written were rolled back
    ImportJob.objects.filter(pk=queued.pk).update(status="failed")
    # Every row, the repeated one included, is now a registered certificate: nothing new, nothing wrong.
    job = run(filing, wuxi_institution, to_csv(rows), mode="valid_only", parallel=True)
    assert (job.status, job.rows_created, job.rows_unchanged, job.rows_invalid) == ("done", 0, 11, 0)
    assert Certificate.objects.count() == 10


def test_parallel_is_never_used_inside_a_transaction_or_on_in_memory_sqlite(settings):
    from skillreg.certificates import parallel

    assert not parallel.available()  # the test's transaction
    settings.SKILLREG_CERT_IMPORT_PARALLEL = True
    assert not parallel.wanted(10**6)


def test_one_running_import_per_institution_and_stale_ones_are_released(cert_filing, batch, wuxi_institution):
    import datetime as dt

    from skillreg.core.errors import DomainError

    first = import_job_create(
        filing=cert_filing, actor=wuxi_institution, fileobj=upload(to_csv([good_row(cert_filing, 1)]), "a.csv"),
        name="a.csv", mode="valid_only",
    )  # fmt: skip
    ImportJob.objects.filter(pk=first.pk).update(status="running", heartbeat_at=first.created_at)
    second = import_job_create(
        filing=cert_filing, actor=wuxi_institution, fileobj=upload(to_csv([good_row(cert_filing, 2)]), "b.csv"),
        name="b.csv", mode="valid_only",
    )  # fmt: skip
    with pytest.raises(DomainError) as exc:
        import_job_run(second)
    assert exc.value.code == "IMPORT_BUSY"
    stale = first.created_at - dt.timedelta(minutes=16)
    ImportJob.objects.filter(pk=first.pk).update(heartbeat_at=stale, started_at=stale, created_at=stale)
    assert import_job_run(second).status == "done"
    first.refresh_from_db()
    assert first.status == "failed" and "中断" in first.message
