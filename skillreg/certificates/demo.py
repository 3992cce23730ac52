"""Demo certificates (``manage.py demo``): every filed demo institution holds one evaluation plan and
reports its certificates through the real services (``evaluations.demo.certified_plan``: the plan held and its
results filed, then ``certificates_report``: the same checks, numbering, encryption and audit as an upload); one
certificate is revoked. The demo filings are made on the day the demo is loaded, so the plan is held and the
certificates are issued on that day too (CQ-14: only inside the validity period; decisions.md, “Certificate
registry”, 3 and 10)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from skillreg.core import clock, testing
from skillreg.institutions.models import FilingStatus

from . import selectors
from .models import Certificate, CertificateStatus
from .services import certificate_revoke

HOLDERS = [
    "王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽",
    "周杰", "吴敏", "徐强", "孙悦", "马俊", "朱琳", "胡斌", "郭芳",
]  # fmt: skip
PER_BATCH = 8
BATCH_NUMBER = "DEMO-01"


def demo_certificates_loaded() -> bool:
    return Certificate.objects.exists()


def load_demo_certificates(institution_usernames: list[str]) -> None:
    """One batch and ``PER_BATCH`` certificates for each filed (active) institution among the given users."""
    today = clock.today()
    users = get_user_model().objects.filter(username__in=institution_usernames).order_by("username")
    for n, user in enumerate(users):
        filing = selectors.default_filing_for(user)
        if filing is None or filing.status != FilingStatus.ACTIVE:
            continue
        scope = filing.scope.select_related("occupation").first()
        if scope is None:
            continue
        level = max(scope.levels)  # the entry level of the filed range (五级 before 四级 …)
        items = [
            {
                "number": "",  # allocated by the registry
                "holder_name": HOLDERS[(n * PER_BATCH + i) % len(HOLDERS)],
                "id_type": "居民身份证",
                "id_number": testing.make_id_number(
                    filing.region.code,
                    f"{1972 + i * 4}0{1 + i % 9}15",
                    100 + n * 10 + i,  # born 1972–2000
                ),
                "occupation_code": scope.occupation.code,
                "occupation_name": scope.occupation.name,
                "work_type": "",
                "level": level,
                "issue_date": today.isoformat(),
                "batch_number": BATCH_NUMBER,
            }
            for i in range(PER_BATCH)
        ]
        from skillreg.evaluations.demo import certified_plan, load_demo_plans

        certified_plan(
            filing,
            user,
            items=items,
            number=BATCH_NUMBER,
            occupation=scope.occupation,
            level=level,
            day=today,
            applicants=PER_BATCH + 2,
        )
        if n == 0:
            load_demo_plans(filing, user, scope.occupation, level)
        if n == 0:
            last = Certificate.objects.filter(filing=filing).order_by("-number").first()
            if last is not None:
                certificate_revoke(certificate=last, reason="演示：证书信息填报有误，已撤销", actor=user)


def verification_samples(limit: int = 3) -> list[tuple[str, str, str]]:
    """(certificate number, holder name, status label) to try at /verify/: valid ones and a revoked one."""
    valid = list(
        Certificate.objects.filter(status=CertificateStatus.VALID)
        .order_by("filing__code", "number")
        .values_list("number", "holder_name")[: max(limit - 1, 1)]
    )
    revoked = list(
        Certificate.objects.filter(status=CertificateStatus.REVOKED)
        .order_by("number")
        .values_list("number", "holder_name")[:1]
    )
    return [(n, name, str(CertificateStatus.VALID.label)) for n, name in valid] + [
        (n, name, str(CertificateStatus.REVOKED.label)) for n, name in revoked
    ]
