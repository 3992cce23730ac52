"""The certificate count summary (issue 16): kept in step by every writer, and the statistics read from it give
the answers counting the certificate table gives.

The property test runs random sequences of imports (valid-only, all-or-nothing published, all-or-nothing rejected
after staged chunks were written), revocations and moved validity periods across two institutions, on SQLite and
on PostgreSQL (the suite's two passes), and after every step compares each statistic with a count of the
certificate table by hand and the summary with ``counts.differences``.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from skillreg.appraisals import providers
from skillreg.certificates import counts, statistics
from skillreg.certificates.imports import certificates_report
from skillreg.certificates.models import Certificate, CertificateCount, CertificateStatus
from skillreg.certificates.services import certificate_revoke
from skillreg.evaluations.tests.builders import plan_results_in
from skillreg.institutions.models import FilingVersion
from skillreg.institutions.renewals import renewal_certificate_counts

from .conftest import TODAY, good_row

pytestmark = pytest.mark.django_db
D = dt.date
VALID = CertificateStatus.VALID
SCOPE = [("6-31-01-03", "电工", (5, 4, 3)), ("4-10-01-05", "养老护理员", (5, 4))]


def by_hand_renewal(user):
    """``renewal_counts`` as it counted before the summary: certificates of each listed filing's period."""
    out = []
    for r in statistics.renewal_counts(user):
        per: Counter[str] = Counter()
        if r.valid_from is not None:
            for code in Certificate.objects.filter(
                filing_id=r.filing_id, status=VALID, issue_date__gte=r.valid_from, issue_date__lte=r.valid_to
            ).values_list("occupation__code", flat=True):
                per[code] += 1
        out.append((r.code, sum(per.values()), dict(per)))
    return out


def by_hand_per_year(filing):
    years: defaultdict[int, list[int]] = defaultdict(lambda: [0, 0])
    for day, status in Certificate.objects.filter(filing=filing, status__in=["valid", "revoked"]).values_list(
        "issue_date", "status"
    ):
        years[day.year][0 if status == VALID else 1] += 1
    return [(y, v, r) for y, (v, r) in sorted(years.items(), reverse=True)]


def assert_in_step(filings, users):
    assert counts.differences() == []
    for user in users:
        got = [(r.code, r.total, r.per_occupation) for r in statistics.renewal_counts(user)]
        assert got == by_hand_renewal(user)
    for filing, user in zip(filings, users, strict=True):
        assert statistics.certificates_per_year(user, filing=filing) == by_hand_per_year(filing)
        filing.refresh_from_db()
        mine = renewal_certificate_counts(filing)
        hand = Certificate.objects.filter(
            filing=filing, status=VALID, issue_date__gte=filing.valid_from, issue_date__lte=mine.counted_to
        ).count()
        assert mine.total == hand
        for year in (2025, 2026):
            note = providers.certificates(filing, year, 10)
            n = Certificate.objects.filter(filing=filing, issue_date__year=year).count()
            assert (note.note if note else "") == (
                f"本年度上报证书数据{n}条（上报是否及时、完整由评分人员核定）" if n else ""
            )


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_summary_answers_like_counting_the_certificates(
    seed, settings, cert_filing, other_filing, wuxi_institution, other_institution, cq_centre_officer
):
    settings.SKILLREG_CERT_IMPORT_CHUNK = 3  # an all-or-nothing import writes staged chunks before it decides
    settings.SKILLREG_CERT_IMPORT_PUBLISH_STEP = 4
    rnd = random.Random(seed)
    filings = [cert_filing, other_filing]
    users = [wuxi_institution, other_institution]
    plans = {}
    for f, filing in enumerate(filings):
        for p in range(4):
            code, _name, levels = SCOPE[p % 2]
            ends = D(2025, 2, 1) + dt.timedelta(days=rnd.randrange(0, 400))
            plans[(f, p)] = plan_results_in(
                filing=filing, number=f"R{seed}-{f}-{p}", occupation_code=code, level=rnd.choice(levels),
                starts_on=ends - dt.timedelta(days=2), ends_on=ends, applicants=40, passes=30,
            )  # fmt: skip
    serial = [seed * 1000]

    def row(f: int, p: int):
        plan = plans[(f, p)]
        code, name, _ = SCOPE[p % 2]
        serial[0] += 1
        issued = plan.ends_on + dt.timedelta(days=rnd.randrange(0, max(1, (TODAY - plan.ends_on).days)))
        return good_row(
            filings[f], serial[0], number="", occupation_code=code, occupation_name=name, level=plan.level,
            issue_date=issued.isoformat(), batch_number=plan.number,
        )  # fmt: skip

    for _step in range(10):
        f = rnd.randrange(2)
        action = rnd.choice(["valid_only", "all_or_nothing", "rejected", "revoke", "period"])
        if action in ("valid_only", "all_or_nothing", "rejected"):
            rows = [row(f, rnd.randrange(4)) for _ in range(rnd.randrange(1, 9))]
            if action == "rejected":
                rows.append({**rows[0], "holder_name": ""})  # the last row is wrong: nothing of the file stays
            mode = "valid_only" if action == "valid_only" else "all_or_nothing"
            certificates_report(filing=filings[f], actor=users[f], items=rows, mode=mode)
        elif action == "revoke":
            live = list(Certificate.objects.filter(filing=filings[f], status=VALID).order_by("pk")[:50])
            if live:
                certificate_revoke(certificate=rnd.choice(live), reason="核查作废", actor=users[f])
        else:  # another validity period (e.g. a renewal took effect): fewer or more certificates fall in it
            start = D(2025, 1, 6) + dt.timedelta(days=rnd.randrange(0, 400))
            end = start + dt.timedelta(days=rnd.choice([rnd.randrange(0, 60), rnd.randrange(100, 1100)]))
            if rnd.random() < 0.5:  # on a month's first day: whole months from the monthly counts
                start = start.replace(day=1)
            if rnd.random() < 0.5:  # on a month's last day
                end = (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            FilingVersion.objects.filter(filing=filings[f]).update(valid_from=start, valid_to=end)
        assert not Certificate.objects.filter(status=CertificateStatus.STAGED).exists()
        assert_in_step(filings, users)
    assert Certificate.objects.exists()
    assert [r.code for r in statistics.renewal_counts(cq_centre_officer)] == sorted(f.code for f in filings)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2025, 3, 1), D(2025, 5, 31), (D(2025, 3, 1), D(2025, 5, 1))),
        (D(2025, 3, 2), D(2025, 5, 30), (D(2025, 4, 1), D(2025, 4, 1))),
        (D(2025, 3, 2), D(2025, 4, 30), (D(2025, 4, 1), D(2025, 4, 1))),
        (D(2025, 3, 2), D(2025, 4, 29), (None, None)),
        (D(2025, 12, 1), D(2026, 1, 31), (D(2025, 12, 1), D(2026, 1, 1))),
        (D(2024, 2, 1), D(2024, 2, 29), (D(2024, 2, 1), D(2024, 2, 1))),
        (D(2024, 2, 1), D(2024, 2, 28), (None, None)),
    ],
)
def test_whole_months_of_a_period(start, end, months):
    assert statistics._whole_months(start, end) == months


def test_renewal_counts_at_every_month_boundary(cert_filing, wuxi_institution):
    """One certificate on every day from 2025-02-27 to 2025-06-03; periods starting and ending on, before and after
    month boundaries: whole months from the monthly counts plus boundary days from the daily counts, as counted."""
    plan = plan_results_in(
        filing=cert_filing, number="M1", occupation_code="6-31-01-03", level=4,
        starts_on=D(2025, 2, 20), ends_on=D(2025, 2, 25), applicants=200, passes=200,
    )  # fmt: skip
    days = [D(2025, 2, 27) + dt.timedelta(days=i) for i in range(97)]
    rows = [
        good_row(cert_filing, 100 + i, number="", issue_date=day.isoformat(), batch_number=plan.number)
        for i, day in enumerate(days)
    ]
    job, _ = certificates_report(filing=cert_filing, actor=wuxi_institution, items=rows, mode="all_or_nothing")
    assert job.rows_created == len(days)
    edges = [D(2025, 2, 28), D(2025, 3, 1), D(2025, 3, 2), D(2025, 3, 31), D(2025, 4, 1), D(2025, 4, 15)]
    edges += [D(2025, 4, 30), D(2025, 5, 1), D(2025, 5, 31), D(2025, 6, 1), D(2025, 6, 2)]
    for start in edges:
        for end in edges:
            if end < start:
                continue
            FilingVersion.objects.filter(filing=cert_filing).update(valid_from=start, valid_to=end)
            (row,) = statistics.renewal_counts(wuxi_institution)
            assert row.total == sum(1 for d in days if start <= d <= end), (start, end)


def test_staged_rows_are_counted_under_their_own_status_and_discarded_with_them(
    settings, cert_filing, batch, wuxi_institution
):
    """A rejected all-or-nothing import wrote staged chunks: the summary held them as staged, then dropped them."""
    settings.SKILLREG_CERT_IMPORT_CHUNK = 2
    rows = [good_row(cert_filing, n) for n in range(1, 6)] + [{**good_row(cert_filing, 9), "holder_name": ""}]
    certificates_report(filing=cert_filing, actor=wuxi_institution, items=rows, mode="all_or_nothing")
    assert not Certificate.objects.exists()
    assert not CertificateCount.objects.exists()  # no zero rows left behind
    certificates_report(filing=cert_filing, actor=wuxi_institution, items=rows[:5], mode="all_or_nothing")
    assert list(CertificateCount.objects.values_list("status", "n")) == [("valid", 5)]


def test_recount_check_reports_a_difference_and_recount_repairs_it(cert_filing, batch, wuxi_institution, capsys):
    certificates_report(
        filing=cert_filing, actor=wuxi_institution, items=[good_row(cert_filing, n) for n in (1, 2)], mode="valid_only"
    )
    call_command("certificates", "recount", "--check")
    assert "一致" in capsys.readouterr().out
    # A certificate written around the services (a repair by hand): the summary no longer matches.
    Certificate.objects.filter(number=good_row(cert_filing, 2)["number"]).update(issue_date=D(2026, 3, 11))
    with pytest.raises(CommandError) as exc:
        call_command("certificates", "recount", "--check")
    assert exc.value.returncode == 1
    err = capsys.readouterr().err
    assert f"备案编码 {cert_filing.code}" in err and "发证日期 2026-03-11" in err and "计数表 0 本，证书表 1 本" in err
    call_command("certificates", "recount", "--institution", cert_filing.code)
    assert "重新统计" in capsys.readouterr().out
    call_command("certificates", "recount", "--check")
    assert sorted(CertificateCount.objects.values_list("issue_date", "n")) == [(D(2026, 3, 10), 1), (D(2026, 3, 11), 1)]
    with pytest.raises(CommandError):
        call_command("certificates", "recount", "--institution", "S999999999999")


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_writers_adding_to_the_same_counts_at_once_lose_nothing(cert_filing, batch):
    """Two processes publishing at once: each upsert adds to the row the other holds (no lost update)."""
    keys = [(cert_filing.pk, batch.pk, batch.occupation_id, 4, D(2026, 3, 10 + i), "valid") for i in range(3)]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def writer(order: list) -> None:
        try:
            start.wait()
            for _ in range(25):
                with transaction.atomic():
                    counts.add(Counter({k: 1 for k in order}))
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(o,)) for o in (keys, list(reversed(keys)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not failures
    assert sorted(CertificateCount.objects.values_list("issue_date", "n")) == [
        (D(2026, 3, 10), 50),
        (D(2026, 3, 11), 50),
        (D(2026, 3, 12), 50),
    ]
