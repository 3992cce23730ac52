"""Demo of the life after filing (issue 10): a changed, a renewed (one occupation dropped), an expired-in-wrap-up
and a terminated institution, each made through the real services on the days its history happened
(``core.clock.replay_at``): filing, change, renewal with certificates reported in the registry, the sweep's
automatic exit, a voluntary exit and its wrap-up. Idempotent like the rest of the demo.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from skillreg.core import clock, testing

from . import services
from .demo import DEMO_PASSWORD, _advance, _confirm_all, demo_identity
from .models import Application, ApplicationType, MaterialKind, State

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date


@contextmanager
def _on(day: dt.date, hour: int = 10) -> Iterator[None]:
    with clock.replay_at(dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)):
        yield


LIFECYCLE_LOGINS = [
    ("lc_changed", "机构用户", "巫溪县康达实业有限公司（变更备案：第2版增加电工）"),
    ("lc_renewed", "机构用户", "贵州黔城养老服务培训中心（延续备案：电工证书不足100人次未延续）"),
    ("lc_wrapup", "机构用户", "巫溪县宏达建材有限公司（有效期满未延续，收尾中）"),
    ("lc_terminated", "机构用户", "贵州黔味烹饪技能培训中心（自愿终止，已终止）"),
]


def lifecycle_demo_loaded() -> bool:
    return get_user_model().objects.filter(username="lc_changed").exists()


def filed_demo_institution(
    username: str, name: str, region: str, kind: str, occupations: list, day: dt.date, seed: int, **extra
):  # type: ignore[no-untyped-def]
    experts = list(get_user_model().objects.filter(role="expert").order_by("username")[:2])
    with _on(day):
        user = testing.make_institution_user(username, region_code=region, name=name, seed=seed, password=DEMO_PASSWORD)
        app = services.application_save_draft(
            actor=user,
            **testing.draft_payload(
                kind=kind,
                region_code=region,
                occupations=occupations,
                applicant_name=name,
                institution_name=name,
                applicant_address=f"{user.unit.region.full_name}演示路88号",
                institution_address=f"{user.unit.region.full_name}演示路88号",
                coverage_region=user.unit.region.name,
                # real-looking people, born before and after 1997 (issue 11)
                **cast("dict[str, Any]", demo_identity(40 + seed % 100, region)),
                **extra,
            ),
        )
        for kind_ in ("basic_info", "work_plan", "assets", "credit_report", "experience", "pledge"):
            services.material_upload(
                application=app,
                actor=user,
                kind=kind_,
                fileobj=testing.upload(testing.PDF_BYTES, f"{MaterialKind(kind_).label}.pdf"),
                name=f"{MaterialKind(kind_).label}.pdf",
            )
        _advance(app, State.FILED, user, experts)
    app.refresh_from_db()
    return user, app.filing


def _decide(app: Application, day: dt.date) -> None:
    experts = list(get_user_model().objects.filter(role="expert").order_by("username")[:2])
    with _on(day):
        app.refresh_from_db()
        _advance_after_submit(app, experts)


def _advance_after_submit(app: Application, experts: list[Any]) -> None:
    officer = get_user_model().objects.filter(role="staff", authority=app.authority).first()
    services.application_accept(application=app, actor=officer)
    for method, expert in zip(["material_check", "site_visit"], experts, strict=True):
        task = services.assessment_assign(application=app, actor=officer, method=method, expert=expert)
        services.assessment_submit(assessment=task, actor=expert, opinion="材料齐全。", recommendation="approve")
    services.application_file(
        application=app,
        actor=officer,
        reasons="经审核符合条件",
        basis="依据所在地评价机构管理规定",
        checklist=_confirm_all(app),
    )


def _pledge(app: Application, user: Any, **facts: Any) -> Application:
    """What the applicant does in the draft editor: tick the pledge (and state the facts asked)."""
    app.refresh_from_db()
    payload: dict[str, Any] = {
        "data": {
            **{
                f: getattr(app, f)
                for f in [
                    "institution_kind",
                    "ownership",
                    "coverage_area",
                    "applicant_name",
                    "applicant_address",
                    "institution_name",
                    "institution_address",
                    "sponsor",
                    "legal_rep_name",
                    "head_name",
                    "venue_description",
                    "coverage_region",
                    "coverage_industry",
                    "coverage_unit",
                ]
            },
            "evaluation_types": list(app.evaluation_types),
            "pledge_accepted": True,
        },
        "people": [
            {
                "role": p.role,
                "name": p.name,
                "phone": p.phone,
                "occupation_code": p.occupation.code if p.occupation else "",
                "level": p.level,
                "certificate_code": p.certificate_code,
                "own_staff": p.own_staff,
                "full_time": p.full_time,
            }
            for p in app.people.select_related("occupation")
        ],
        "equipment": [
            {"name": e.name, "brand": e.brand, "model": e.model, "quantity": e.quantity, "ownership": e.ownership}
            for e in app.equipment.all()
        ],
        "scope": [
            {
                "occupation_code": s.occupation.code,
                "levels": s.levels,
                "evaluation_type": s.evaluation_type,
                "facts": (s.facts or {}).get("facts", {}),
                "level_facts": (s.facts or {}).get("level_facts", []),
            }
            for s in app.scope.select_related("occupation")
        ],
        "facts": {**app.facts, **facts},
    }
    return services.application_save_draft(actor=user, application=app, **payload)


def _report(filing: Any, user: Any, code: str, level: int, count: int, day: dt.date, batch: str, seq0: int) -> None:
    from skillreg.certificates.imports import certificates_report
    from skillreg.evaluations.demo import held_plan
    from skillreg.occupations.models import Occupation

    occ = Occupation.objects.get(code=code)
    with _on(day):
        items = [
            {
                "number": "",
                "holder_name": "演示持证人",
                "id_type": "居民身份证",
                "id_number": testing.make_id_number(
                    filing.region.code if not filing.region.code.endswith("00") else "520102",
                    f"{1990 + (seq0 + i) // 900 % 9}0{1 + (seq0 + i) // 8100 % 9}15",
                    (seq0 + i) % 900 + 1,
                ),
                "occupation_code": code,
                "occupation_name": occ.name,
                "work_type": "",
                "level": level,
                "issue_date": day.isoformat(),
                "batch_number": batch,
            }
            for i in range(count)
        ]
        held_plan(
            filing,
            user,
            number=batch,
            occupation=occ,
            level=level,
            starts_on=day - dt.timedelta(days=3),
            ends_on=day - dt.timedelta(days=1),
            holders=[(str(i["holder_name"]), str(i["id_number"])) for i in items],
            applicants=count + 5,
        )
        for start in range(0, len(items), 500):
            _job, results = certificates_report(
                filing=filing, actor=user, items=items[start : start + 500], mode="all_or_nothing"
            )
            errors = [r for r in results if r.get("errors")]
            if errors:  # a demo that cannot load its own data is a bug: stop, show why
                raise RuntimeError(f"demo certificates refused: {errors[:3]}")


def load_lifecycle_demo() -> None:
    from skillreg.applications.services.lifecycle import lifecycle_draft_start, lifecycle_submit
    from skillreg.deadlines.sweep import sweep
    from skillreg.institutions.exits import filing_exit_voluntary, filing_wrap_up_complete

    # 1. Changed: a Wuxi employer adds 电工 by a change filing (CQ-13) → version 2, same code.
    user, filing = filed_demo_institution(
        "lc_changed", "巫溪县康达实业有限公司", "500238", "employer", [("4-10-01-05", [5, 4])], D(2025, 3, 3), 2001,
        ownership="local",
    )  # fmt: skip
    with _on(D(2025, 9, 1)):
        app = lifecycle_draft_start(filing=filing, kind=ApplicationType.CHANGE, actor=user)
        payload = testing.draft_payload(
            kind="employer",
            occupations=[("4-10-01-05", [5, 4]), ("6-31-01-03", [5, 4])],
            # the same people as the filing: only the scope changes
            **cast("dict[str, Any]", demo_identity(40 + 2001 % 100, "500238")),
        )
        payload["data"].update(
            ownership="local", institution_name=filing.name, institution_address=filing.address,
            applicant_name=app.applicant_name, applicant_address=app.applicant_address,
            coverage_region=app.coverage_region,
        )  # fmt: skip
        app = services.application_save_draft(actor=user, application=app, **payload)
        lifecycle_submit(application=app, actor=user)
    _decide(app, D(2025, 9, 20))

    # 2. Renewed in Guizhou with 电工 dropped: 560 + 60 certificates, GZ-10 ≥600 total but ≥100 per occupation.
    user, filing = filed_demo_institution(
        "lc_renewed", "贵州黔城养老服务培训中心", "520100", "social_org",
        [("4-10-01-05", [5, 4]), ("6-31-01-03", [5, 4])], D(2026, 1, 12), 2002, coverage_area="province_wide",
    )  # fmt: skip
    _report(filing, user, "4-10-01-05", 5, 560, D(2026, 6, 10), "DEMO-R1", 0)
    _report(filing, user, "6-31-01-03", 5, 60, D(2026, 7, 10), "DEMO-R2", 1000)
    # The Guizhou rules are in force from 2026-01-09, so this renewal is an early one (allowed: the law sets
    # only the latest day); the renewed version starts the day after the current validity ends.
    with _on(D(2026, 10, 15)):
        app = lifecycle_draft_start(filing=filing, kind=ApplicationType.RENEWAL, actor=user)
        app = _pledge(app, user, currently_operating=True)
        lifecycle_submit(application=app, actor=user)
    _decide(app, D(2026, 11, 5))

    # 3. Expired without renewal → automatic exit, in its wrap-up (Chongqing: CQ-14 validity; no wrap-up days).
    user, filing = filed_demo_institution(
        "lc_wrapup", "巫溪县宏达建材有限公司", "500238", "employer", [("6-31-01-03", [5, 4])], D(2023, 11, 25),
        2003, ownership="local",
    )  # fmt: skip
    with _on(D(2026, 11, 25)):
        sweep()

    # 4. Terminated: voluntary exit 30+ days ahead (GZ-13), wrap-up confirmed, termination notice (GZ-16).
    user, filing = filed_demo_institution(
        "lc_terminated", "贵州黔味烹饪技能培训中心", "520100", "social_org", [("4-03-02-01", [5, 4])],
        D(2026, 2, 2), 2004, coverage_area="province_wide",
    )  # fmt: skip
    with _on(D(2026, 6, 1)):
        exit_ = filing_exit_voluntary(
            filing=filing, actor=user, terminates_on=D(2026, 7, 15), reason="单位调整业务方向，自愿终止评价活动"
        )
    with _on(D(2026, 7, 16)):
        sweep()
    officer = get_user_model().objects.filter(role="staff", authority=filing.authority).first()
    with _on(D(2026, 7, 25)):
        exit_.refresh_from_db()
        filing_wrap_up_complete(
            exit_=exit_, actor=officer, archives_note="评价档案、证书数据已整理归档并移交省鉴定中心"
        )
