"""Demo data: institutions across the five jurisdictions in every state, users of every role.

Everything is made through the real services (validation, routing, audit included). Loading is
idempotent: a second run finds the demo already loaded and only prints the logins.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.db import transaction

from skillreg.accounts.scope import Role
from skillreg.audit.services import audit_record
from skillreg.core import clock, testing

from . import services
from .eligibility import evaluate_application
from .law import case_law
from .models import Application, MaterialKind, State
from .services._common import transition

DEMO_PASSWORD = "Demo#2026skill"  # noqa: S105 - printed demo logins for the local demo only


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    display: str
    authority: str = ""


STAFF = [
    DemoUser("cq_centre", "staff", "重庆市鉴定中心 审核员", "center-500000"),
    DemoUser("cq_wuxi", "staff", "巫溪县人社局 经办员", "hrss-500238"),
    DemoUser("cq_wanzhou", "staff", "万州区人社局 经办员", "hrss-500101"),
    DemoUser("cq_shapingba", "staff", "沙坪坝区人社局 经办员", "hrss-500106"),
    DemoUser("ah_province", "staff", "安徽省人社厅 审批员", "hrss-340000"),
    DemoUser("ah_hefei", "staff", "合肥市人社局 审核员", "hrss-340100"),
    DemoUser("hn_city", "staff", "淮南市人社局 审核员", "hrss-340400"),
    DemoUser("hn_tianjiaan", "staff", "田家庵区人社局 初审员", "hrss-340403"),
    DemoUser("gz_province", "staff", "贵州省人社厅 审核员", "hrss-520000"),
]
EXPERTS = [DemoUser("expert_wang", "expert", "王专家"), DemoUser("expert_liu", "expert", "刘专家")]
AUDITOR = DemoUser("auditor", "audit_admin", "审计管理员 陈审")

# The people named on each demo application: real-looking names, mobile numbers, and ID numbers registered in the
# case's own region, birth years before and after 1997 (a Chongqing code dates from 1997: issue 11). Each entry:
# (legal representative, birth date, head of the institution, birth date, mobile suffix).
DEMO_PEOPLE = [
    ("刘建国", "19680312", "陈晓燕", "19990705", "1021"),
    ("王德明", "19710918", "李思雨", "20000214", "1022"),
    ("张海峰", "19750623", "周婷婷", "19981130", "1023"),
    ("黄志强", "19660101", "吴佳怡", "20010419", "1024"),
    ("杨光荣", "19800808", "郑雪梅", "19970101", "1025"),
    ("赵文军", "19721225", "孙丽娟", "19960531", "1026"),
    ("何永红", "19690414", "冉小琴", "19991009", "1027"),
    ("谭国庆", "19841001", "向红梅", "19981223", "1028"),
    ("孙立新", "19630506", "钱雅琴", "20020302", "1029"),
    ("胡明辉", "19770719", "汪静", "19990818", "1030"),
    ("程家宝", "19810211", "许芳", "19971127", "1031"),
    ("葛伟", "19731108", "方琳", "20000606", "1032"),
    ("吴启航", "19790930", "罗丹", "19980415", "1033"),
    ("杨正荣", "19670227", "龙秀英", "19991212", "1034"),
    ("袁成林", "19850613", "田甜", "20010101", "1035"),
    ("蒋国平", "19700320", "潘玉兰", "19980909", "1036"),
    ("邓华", "19760505", "舒婷", "19990228", "1037"),
]


def demo_identity(index: int, region_code: str) -> dict[str, Any]:
    """The named people of demo case ``index`` (0-based), with ID numbers whose address code is the region's."""
    rep, rep_birth, head, head_birth, suffix = DEMO_PEOPLE[index % len(DEMO_PEOPLE)]
    return {
        "legal_rep_name": rep,
        "legal_rep_phone": f"1390{region_code[:3]}{suffix}",
        "legal_rep_id_number": testing.make_id_number(region_code, rep_birth, 100 + index * 2 + 1),
        "head_name": head,
        "head_phone": f"1350{region_code[:3]}{suffix}",
        "head_id_number": testing.make_id_number(region_code, head_birth, 100 + index * 2 + 2),
    }


@dataclass(frozen=True)
class DemoCase:
    unit: str  # username of the institution user
    unit_name: str
    region: str
    kind: str
    state: str
    occupations: tuple[tuple[str, tuple[int, ...]], ...]
    extra: tuple[tuple[str, str], ...] = ()


CASES = [
    DemoCase(
        "wx_yanglao",
        "巫溪县康养职业培训学校",
        "500238",
        "social_org",
        State.FILED,
        (("4-10-01-05", (5, 4, 3)),),
        (("coverage_area", "county"),),
    ),
    DemoCase(
        "wx_dianli",
        "巫溪县电力实业有限公司",
        "500238",
        "employer",
        State.UNDER_EVALUATION,
        (("6-31-01-03", (5, 4, 3)),),
        (("ownership", "local"),),
    ),
    DemoCase(
        "wx_pengren",
        "巫溪县烹饪职业技能培训中心",
        "500238",
        "social_org",
        State.SUPPLEMENT_REQUESTED,
        (("4-03-02-01", (5, 4)),),
        (("coverage_area", "county"),),
    ),
    DemoCase(
        "cq_jixie",
        "重庆机械装备集团有限公司",
        "500101",
        "employer",
        State.FILED,
        (("6-18-01-01", (5, 4, 3, 2)), ("6-18-02-04", (5, 4, 3))),
        (("ownership", "provincial"),),
    ),
    DemoCase("cq_jigong", "重庆市万州高级技工学校", "500101", "school", State.SUBMITTED, (("4-12-01-01", (5, 4, 3)),)),
    DemoCase(
        "cq_jiazheng",
        "重庆巾帼家政服务培训中心",
        "500112",
        "social_org",
        State.PUBLICITY,
        (("4-10-01-06", (5, 4)),),
        (("coverage_area", "city_wide"),),
    ),
    DemoCase(
        "cq_draft",
        "重庆渝中美业职业培训学校",
        "500103",
        "social_org",
        State.DRAFT,
        (("4-10-03-01", (5, 4)),),
        (("coverage_area", "county"),),
    ),
    DemoCase(
        "cq_refused",
        "重庆沙坪坝某培训中心",
        "500106",
        "social_org",
        State.NOT_ACCEPTED,
        (("4-07-05-01", (5, 4)),),
        (("coverage_area", "county"),),
    ),
    DemoCase(
        "hn_meikuang",
        "淮南矿业技能评价中心",
        "340403",
        "employer",
        State.FILED,
        (("6-31-01-02", (5, 4, 3, 2)),),
        (("ownership", "local"),),
    ),
    DemoCase(
        "hn_jixiao", "淮南市职业技术学校", "340403", "school", State.UNDER_EVALUATION, (("6-31-01-03", (5, 4, 3)),)
    ),
    DemoCase(
        "hn_withdrawn",
        "淮南田家庵茶艺培训学校",
        "340403",
        "social_org",
        State.WITHDRAWN,
        (("4-03-02-07", (5, 4)),),
        (("coverage_area", "county"),),
    ),
    DemoCase(
        "ah_zhizao",
        "合肥市智能制造职业技能培训学校",
        "340102",
        "social_org",
        State.FILED,
        (("6-31-07-01", (5, 4, 3)),),
        (("coverage_area", "city_wide"),),
    ),
    DemoCase(
        "ah_accepted",
        "合肥电子商务职业培训学校",
        "340102",
        "social_org",
        State.ACCEPTED,
        (("4-01-06-01", (5, 4, 3)),),
        (("coverage_area", "city_wide"),),
    ),
    DemoCase(
        "gz_pengren",
        "贵州黔厨职业技能培训学校",
        "520100",
        "social_org",
        State.FILED,
        (("4-03-02-01", (5, 4, 3)),),
        (("coverage_area", "province_wide"),),
    ),
    DemoCase(
        "gz_refused",
        "贵阳某职业培训中心",
        "520100",
        "social_org",
        State.REFUSED,
        (("4-03-02-02", (5, 4)),),
        (("coverage_area", "province_wide"),),
    ),
    DemoCase("gz_resubmitted", "遵义市技师学院", "520300", "school", State.RESUBMITTED, (("6-18-02-04", (5, 4, 3)),)),
    DemoCase(
        "gz_abandoned",
        "毕节某技能培训中心",
        "520500",
        "social_org",
        State.ABANDONED,
        (("4-10-01-05", (5, 4)),),
        (("coverage_area", "province_wide"),),
    ),
]


def _user(u: DemoUser) -> Any:
    User = get_user_model()
    existing = User.objects.filter(username=u.username).first()
    if existing:
        return existing
    if u.authority:  # staff; experts have none
        return testing.make_staff(u.username, u.authority, password=DEMO_PASSWORD, display_name=u.display)
    return testing.make_expert(u.username, u.display, password=DEMO_PASSWORD)


def _officer(application: Application) -> Any:
    return get_user_model().objects.filter(role=Role.STAFF, authority=application.authority).first()


def _confirm_all(application: Application) -> list[dict[str, Any]]:
    record = evaluate_application(application)
    return [{"key": r["key"], "checked": True, "comment": "演示：已核查"} for r in record["checklist"]]


def _advance(application: Application, target: str, unit_user: Any, experts: list[Any]) -> None:
    if target == State.DRAFT:
        return
    services.application_submit(application=application, actor=unit_user)
    if target == State.SUBMITTED:
        return
    if target == State.WITHDRAWN:
        services.application_withdraw(application=application, actor=unit_user, reason="演示：撤回后重新准备材料")
        return
    officer = _officer(application)
    if target in (State.SUPPLEMENT_REQUESTED, State.RESUBMITTED, State.ABANDONED):
        services.supplement_request(
            application=application,
            actor=officer,
            items=["场地设备设施等资产辅证材料：租赁合同需加盖出租方公章", "申请备案机构信用报告（近一个月内）"],
        )
        if target == State.RESUBMITTED:
            services.supplement_complete(application=application, actor=unit_user, note="已按通知补正")
        if target == State.ABANDONED:
            with transaction.atomic():
                # What the statutory-clock sweep does when the 30-day supplement period passes (CQ-10).
                transition(
                    application,
                    "deem_abandoned",
                    actor=None,
                    version=None,
                    reason="逾期未补正，视为放弃申请（演示数据）",
                )
        return
    if target == State.NOT_ACCEPTED:
        services.application_refuse_acceptance(
            application=application,
            actor=officer,
            reasons="申请人不在本行政区域内依法登记",
            basis="渝人社发〔2020〕128号 第七条第（一）项",
        )
        return
    services.application_accept(application=application, actor=officer)
    if target == State.ACCEPTED:
        return
    while True:
        officer = _officer(application)
        step = application.route["steps"][application.route_step]
        final = application.route_step == len(application.route["steps"]) - 1
        if (
            step["role"] != "initial_review"
            and not application.assessments.filter(submitted_at__isnull=True).exists()
            and (final or not application.assessments.exists())
        ):
            for method, expert in zip(["material_check", "site_visit"], experts, strict=True):
                if not application.assessments.filter(method=method).exists():
                    task = services.assessment_assign(
                        application=application, actor=officer, method=method, expert=expert
                    )
                    services.assessment_submit(
                        assessment=task,
                        actor=expert,
                        opinion="材料齐全，场地设备与所报职业相适应。",
                        recommendation="approve",
                    )
        if final:
            break
        services.application_forward(application=application, actor=officer, opinion="审核通过，报送上级")
    if target == State.UNDER_EVALUATION:
        return
    if application.route.get("publicity_required"):
        today = clock.today()
        closing = target != State.PUBLICITY
        starts = today - dt.timedelta(days=10) if closing else today
        # A closed publicity is history: published on the day it started (a notice starts today or later).
        with clock.replay_at(dt.datetime.combine(starts, dt.time(9), tzinfo=dt.UTC)) if closing else nullcontext():
            services.publicity_start(
                application=application,
                actor=officer,
                starts_on=starts,
                ends_on=starts + dt.timedelta(days=6),
                text=f"拟同意 {application.institution_name} 备案为社会培训评价组织，"
                "公示期内如有异议请向受理机关反映。",
            )
        if not closing:
            return
        services.publicity_close(application=application, actor=officer)
    if target == State.REFUSED:
        services.application_refuse(
            application=application,
            actor=officer,
            reasons="现场考察发现理论考场实际座位不足",
            basis="《贵州省职业技能等级认定机构遴选及退出实施细则》第六条第（七）项",
        )
        return
    services.application_file(
        application=application,
        actor=officer,
        reasons="经技术评估符合备案条件",
        basis="、".join(case_law(application.region.code).as_context()["documents"]) or "所在地评价机构管理规定",
        checklist=_confirm_all(application),
    )


def demo_loaded() -> bool:
    return get_user_model().objects.filter(username="cq_centre").exists()


def load_demo() -> list[tuple[str, str, str]]:
    """Load the demo (once). Returns (username, role, description) of the demo logins."""
    from skillreg.certificates.demo import demo_certificates_loaded, load_demo_certificates

    if not demo_loaded():
        with transaction.atomic():  # all or nothing: a failed load leaves no half demo behind
            _load()
    if not demo_certificates_loaded():  # also for a demo loaded before the certificate registry existed
        with transaction.atomic():
            load_demo_certificates([c.unit for c in CASES if c.state == State.FILED])
    from .demo_lifecycle import LIFECYCLE_LOGINS, lifecycle_demo_loaded, load_lifecycle_demo

    if not lifecycle_demo_loaded():  # also for a demo loaded before the lifecycle existed (issue 10)
        with transaction.atomic():
            load_lifecycle_demo()
    from skillreg.supervision.demo import SUPERVISION_LOGINS, load_supervision_demo, supervision_demo_loaded

    if not supervision_demo_loaded():  # also for a demo loaded before supervision existed (issue 13)
        with transaction.atomic():
            load_supervision_demo(DEMO_PASSWORD)
    from skillreg.quality.demo import QUALITY_LOGINS, load_quality_demo, quality_demo_loaded

    if not quality_demo_loaded():  # also for a demo loaded before quality supervision existed (issue 14)
        with transaction.atomic():
            load_quality_demo(DEMO_PASSWORD)

    from skillreg.appraisals.demo import APPRAISAL_LOGINS, appraisal_demo_loaded, load_appraisal_demo

    if not appraisal_demo_loaded():  # periodic evaluation, credit on renewal, GZ-11 materials (issues 15, 13, 10)
        with transaction.atomic():
            load_appraisal_demo()

    from skillreg.annualreports.demo import ANNUAL_REPORT_LOGINS, annual_report_demo_loaded, load_annual_report_demo

    if not annual_report_demo_loaded():  # also for a demo loaded before annual reports existed (issue 15)
        with transaction.atomic():
            load_annual_report_demo()
    return _logins() + LIFECYCLE_LOGINS + SUPERVISION_LOGINS + QUALITY_LOGINS + APPRAISAL_LOGINS + ANNUAL_REPORT_LOGINS


def _industry(occupation_code: str) -> str:
    from skillreg.occupations.models import Occupation

    occupation = Occupation.objects.filter(code=occupation_code).first()
    return f"{occupation.name}相关行业" if occupation else ""


def _load() -> None:
    for u in STAFF:
        _user(u)
    experts = [_user(u) for u in EXPERTS]
    for i, case in enumerate(CASES, start=1):
        unit_user = testing.make_institution_user(
            case.unit,
            region_code=case.region,
            name=case.unit_name,
            seed=1000 + i,
            password=DEMO_PASSWORD,
            contact_name=DEMO_PEOPLE[(i - 1) % len(DEMO_PEOPLE)][2],
        )
        application = services.application_save_draft(
            actor=unit_user,
            **testing.draft_payload(
                kind=case.kind,
                region_code=case.region,
                occupations=[(code, list(levels)) for code, levels in case.occupations],
                applicant_name=case.unit_name,
                sponsor=case.unit_name,
                institution_name=case.unit_name.replace("有限公司", "")
                + ("职业技能等级评价中心" if case.kind == "employer" and "评价" not in case.unit_name else ""),
                # what the institution evaluates, not the test builder's 养老服务业 for a mining company
                coverage_industry=_industry(case.occupations[0][0]),
                applicant_address=f"{unit_user.unit.region.full_name}演示路{i}号",
                institution_address=f"{unit_user.unit.region.full_name}演示路{i}号",
                coverage_region=unit_user.unit.region.name,
                **cast("dict[str, Any]", demo_identity(i - 1, case.region)),
                **cast("dict[str, Any]", dict(case.extra)),
            ),
        )
        for kind in ("basic_info", "work_plan", "assets", "credit_report", "experience", "pledge"):
            services.material_upload(
                application=application,
                actor=unit_user,
                kind=kind,
                fileobj=testing.upload(testing.PDF_BYTES, f"{MaterialKind(kind).label}.pdf"),
                name=f"{MaterialKind(kind).label}.pdf",
            )
        _advance(application, case.state, unit_user, experts)
    User = get_user_model()
    admin = User.objects.filter(username="sysadmin").first() or User(
        username="sysadmin", role=Role.ADMIN, display_name="系统管理员", is_staff=True, is_superuser=True
    )
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    if not User.objects.filter(username=AUDITOR.username).exists():
        testing.make_admin(AUDITOR.username, AUDITOR.role, password=DEMO_PASSWORD, display_name=AUDITOR.display)
    audit_record(actor=None, action="demo.load", summary=f"载入演示数据：{len(CASES)} 个申请")


def _logins() -> list[tuple[str, str, str]]:
    logins: list[tuple[str, str, str]] = []
    for u in STAFF:
        logins.append((u.username, "经办/审核人员", u.display))
    for u in EXPERTS:
        logins.append((u.username, "评审专家", u.display))
    for c in CASES:
        logins.append((c.unit, "机构用户", f"{c.unit_name}（{State(c.state).label}）"))
    logins.append(("sysadmin", "系统管理员", "/sysadmin/ 后台（用户、机关、职业目录）"))
    logins.append((AUDITOR.username, "审计管理员", "/audit/ 审计记录查询与审计链校验"))
    return logins
