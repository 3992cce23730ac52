"""Demo annual reports (``manage.py demo``; issue 15), made through the real services on the days they happened
(``core.clock.replay_at``): three Huainan institutions filed in 2024–2025 with certificates in the registry —

* ``ar_hn_late``: the 2025 report sent 8 days after 31 March 2026 (逾期报送, in the credit ledger) and accepted;
  its 2026 report a draft pre-filled from the registry (the journey to try);
* ``ar_hn_returned``: the 2024 report on time (by 2025-05-31) and accepted; the 2025 report sent back with comments;
* ``ar_hn_missing``: no 2025 report (逾期未报送, recorded by the daily task), its 2026 report submitted, to review.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from skillreg.core import clock

from .models import AnnualReport
from .sections import TEXT_FIELDS, level_key

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date

ANNUAL_REPORT_LOGINS = [
    ("ar_hn_late", "机构用户", "淮南安康养老服务培训中心（年度总结：2025年度逾期报送；2026年度草稿）"),
    ("ar_hn_returned", "机构用户", "淮南电力技能培训学校（年度总结：2025年度被退回修改）"),
    ("ar_hn_missing", "机构用户", "淮南建安职业培训学校（年度总结：2025年度未报送；2026年度待审阅）"),
]

TEXTS = {
    "basic": "本机构为社会培训评价组织，设评价管理部、考务部、质量督导室和档案室，专职人员12人。",
    "duties": "评价管理部负责计划编制和报备；考务部负责考场组织；质量督导室负责内部督导；档案室负责评价档案。",
    "training_social": "全年开展社会化培训 18 期。",
    "training_subsidised": "承担政府补贴性职业技能培训 6 期。",
    "candidate_sources": "考生主要来自本市养老机构、家政企业从业人员和社会求职人员。",
    "infrastructure": "修订评价服务规程等 6 项制度；考评员、督导员队伍稳定；新增理论考场 1 间。",
    "plan_reporting": "每次评价前 5 个工作日向市人社局报备评价计划。",
    "rule_execution": "严格执行评价服务规程和考务管理制度。",
    "process_records": "评价全过程视频录像，记录完整可追溯。",
    "violations": "全年未发现违纪违规行为。",
    "internal_supervision": "内部质量督导员全程督导，形成督导报告。",
    "archives": "评价档案按批次建档，专柜保管。",
    "integrity_files": "为考评人员、督导人员建立诚信档案。",
    "publicity": "评价结果在本机构网站公示 5 个工作日后报送备案机关。",
    "next_plans": "扩大评价规模，加强考评员培训，完善信息化考务系统。",
}


def _on(day: dt.date, hour: int = 10) -> Any:
    return clock.replay_at(dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI))


def annual_report_demo_loaded() -> bool:
    return get_user_model().objects.filter(username="ar_hn_late").exists()


def _data(report: AnnualReport, *, changed: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {k: TEXTS.get(k, "") for k, _, _ in TEXT_FIELDS}
    data["training_scale"] = "860"
    for i, line in enumerate(report.content["levels"]):
        key = level_key(line["evaluation_type"], line["level"])
        passes = line["registry_passes"] + (1 if changed and i == 0 else 0)
        filed = line.get("registry_applicants")
        data[f"{key}_applicants"] = str(passes + 2 if filed is None else filed)
        data[f"{key}_passes"] = str(passes)
        if changed and i == 0:
            data[f"{key}_reason"] = "1名考生证书于次年1月补登记"
    for code, people in report.content["examiners"].items():
        data[f"examiners_{code}"] = "\n".join(f"{p['name']} {p['certificate_code']}" for p in people)
    return data


def _certificates(filing: Any, user: Any, day: dt.date, batch: str, n: int) -> None:
    from skillreg.core import testing
    from skillreg.evaluations.demo import certified_plan

    scope = filing.scope.select_related("occupation").first()
    level = max(scope.levels)
    names = "王建国 李秀英 张伟 刘洋 陈静 杨帆 赵磊 黄丽 周杰 吴敏".split()
    with _on(day):
        items = [
            {
                "number": "",
                "holder_name": names[i % len(names)],
                "id_type": "居民身份证",
                "id_number": testing.make_id_number(
                    filing.region.code, f"19{75 + i}0612", 100 + (filing.pk % 40) * 20 + (day.year - 2024) * 10 + i
                ),
                "occupation_code": scope.occupation.code,
                "occupation_name": scope.occupation.name,
                "work_type": "",
                "level": level,
                "issue_date": day.isoformat(),
                "batch_number": batch,
            }
            for i in range(n)
        ]
        # The plan is reported, acknowledged and its results (roster = these holders) filed first (issue 14).
        job = certified_plan(
            filing, user, items=items, number=batch, occupation=scope.occupation, level=level, day=day, applicants=n + 3
        )
        if job.rows_created != n:  # a demo that silently lost its certificates would show no pre-fill
            raise RuntimeError(f"demo certificates of {filing.code} not registered: {job.message}")


def load_annual_report_demo() -> None:
    from skillreg.applications.demo_lifecycle import filed_demo_institution

    from . import services

    officer = get_user_model().objects.get(username="hn_city")
    late_user, late = filed_demo_institution(
        "ar_hn_late", "淮南安康养老服务培训中心", "340403", "social_org", [("4-10-01-05", [5, 4])], D(2025, 1, 6), 4101
    )
    ret_user, ret = filed_demo_institution(
        "ar_hn_returned", "淮南电力技能培训学校", "340403", "social_org", [("6-31-01-03", [5, 4])], D(2024, 6, 3), 4102
    )
    miss_user, miss = filed_demo_institution(
        "ar_hn_missing", "淮南建安职业培训学校", "340403", "social_org", [("4-10-01-06", [5])], D(2025, 2, 10), 4103
    )
    _certificates(late, late_user, D(2025, 9, 12), "AR-2025", 6)
    _certificates(late, late_user, D(2026, 6, 18), "AR-2026", 8)
    _certificates(ret, ret_user, D(2025, 7, 2), "AR-2025", 5)
    _certificates(miss, miss_user, D(2026, 5, 20), "AR-2026", 4)

    with _on(D(2026, 4, 8)):  # 8 days after 31 March
        r = services.report_start(filing=late, year=2025, actor=late_user)
        r = services.report_submit(report=r, data=_data(r), actor=late_user)
    with _on(D(2026, 4, 15)):
        services.report_accept(report=r, actor=officer, comment="已阅，请今后按期报送。")
    with _on(D(2025, 5, 20)):
        r = services.report_start(filing=ret, year=2024, actor=ret_user)
        r = services.report_submit(report=r, data=_data(r), actor=ret_user)
    with _on(D(2025, 5, 26)):
        services.report_accept(report=r, actor=officer)
    with _on(D(2026, 3, 20)):
        r = services.report_start(filing=ret, year=2025, actor=ret_user)
        r = services.report_submit(report=r, data=_data(r, changed=True), actor=ret_user)
    with _on(D(2026, 3, 27)):
        services.report_return(
            report=r, comment="请补充政府补贴性培训的期数和人次，并说明合格人数修改依据。", actor=officer
        )
    with _on(D(2026, 4, 1), 3):
        services.report_misses_record()
    today = clock.today()
    if today.year >= 2026:
        with _on(min(today, D(2026, 11, 25))):
            r = services.report_start(filing=miss, year=2026, actor=miss_user)
            services.report_submit(report=r, data=_data(r), actor=miss_user)
            services.report_start(filing=late, year=2026, actor=late_user)
