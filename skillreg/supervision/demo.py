"""Demo of supervision (issue 13), through the real services: two Wuxi institutions filed in March 2026, two
inspectors on the Wuxi register, a completed 双随机 draw (its inspection open for the lead inspector), an open
rectification with the institution's answer, and a selection 公示 with one answered and one pending objection.
Idempotent like the rest of the demo; its institutions are its own, so the other demo cases keep their states."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from skillreg.applications.demo_lifecycle import filed_demo_institution
from skillreg.core import clock, testing

from . import basis
from .models import NoticeKind, NoticeTopic
from .services.complaints import complaint_answer, complaint_assign, complaint_submit
from .services.credit import credit_publish
from .services.notices import notice_publish, objection_answer, objection_submit
from .services.plans import inspector_enrol, plan_create, plan_draw
from .services.ratings import followup_transition, rating_submit
from .services.rectification import rectification_answer, rectification_order

SHANGHAI = ZoneInfo("Asia/Shanghai")
FILED_ON = dt.date(2026, 3, 2)

UNITS = [("sv_anda", "巫溪县安达职业培训学校"), ("sv_hengxin", "巫溪县恒信职业培训学校")]
SUPERVISION_LOGINS = [
    ("sv_anda", "机构用户", "巫溪县安达职业培训学校（责令整改中，已提交整改报告；备案办件评价“不满意”，待回访）"),
    ("sv_hengxin", "机构用户", "巫溪县恒信职业培训学校（备案办件已评价“非常满意”）"),
    ("sv_inspector1", "检查人员", "检查员 赵明（双随机抽查任务）"),
    ("sv_inspector2", "检查人员", "检查员 钱亮"),
]


def supervision_demo_loaded() -> bool:
    return get_user_model().objects.filter(username="sv_anda").exists()


def load_supervision_demo(password: str) -> None:
    officer = get_user_model().objects.get(username="cq_wuxi")
    filings = []
    for i, (username, name) in enumerate(UNITS, start=1):
        # filed through the real review workflow (submit, accept, assessments, CQ-11 publicity, decision)
        _user, filing = filed_demo_institution(
            username, name, "500238", "social_org", [("4-10-01-05", [5, 4, 3])], FILED_ON, 3000 + i
        )
        filings.append(filing)
    for number, (username, display) in enumerate([("sv_inspector1", "赵明"), ("sv_inspector2", "钱亮")], start=1):
        inspector = testing.make_admin(username, "inspector", password=password, display_name=display)
        inspector_enrol(user=inspector, number=f"WX-JC-{number:03d}", actor=officer)

    today = clock.today()
    plan = plan_create(
        title=f"{today.year}年巫溪县评价机构双随机抽查（演示）",
        items="备案手续；备案信息真实准确完整；在备案职业（工种）范围内开展评价；评价过程管理",
        inspect_on=today,
        ratio_permille=200,
        per_target=1,
        actor=officer,
    )
    plan_draw(plan=plan, actor=officer)

    anda = filings[0]
    rect = rectification_order(
        filing=anda,
        reason="考务档案不全，部分考生缺少技能考核视频记录",
        requirements="补齐考务档案和视频记录，建立考务档案台账",
        due_on=today + dt.timedelta(days=30),
        actor=officer,
    )
    user = get_user_model().objects.get(username="sv_anda")
    rectification_answer(
        rectification=rect,
        actor=user,
        answer="已补齐考务档案，视频记录已按要求归档。",
        files=[(testing.upload(testing.PDF_BYTES, "整改报告.pdf"), "整改报告.pdf")],
    )

    notice = notice_publish(
        kind=NoticeKind.PUBLICITY,
        topic=NoticeTopic.SELECTION,
        title="巫溪县社会培训评价组织遴选结果公示（演示）",
        body="经择优遴选，拟同意巫溪县恒信职业培训学校开展职业技能等级认定，现予公示。",
        legal_basis=basis.legal_basis("selection_publicity", region=getattr(officer.authority, "region", None)),
        actor=officer,
        ends_on=today + dt.timedelta(days=6),
    )
    first = objection_submit(
        notice=notice,
        body="该机构实训场地面积不足。",
        submission_key="demo-objection-1",
        name="张先生",
        contact="13900000001",
    )
    objection_answer(objection=first.objection, answer="经现场核查，实训场地面积符合要求，异议不成立。", actor=officer)
    objection_submit(notice=notice, body="希望公开该机构的收费标准。", submission_key="demo-objection-2")

    # Complaints in several states: received, being handled, answered.
    hengxin = filings[1]
    complaint_submit(
        filing_code=hengxin.code,
        category="fees",
        body="报名时收取资料费200元，未公示收费标准。",
        submission_key="demo-complaint-1",
    )
    handling = complaint_submit(
        filing_code=hengxin.code,
        category="misconduct",
        body="考核现场有人代考。",
        submission_key="demo-complaint-2",
        name="王女士",
        contact="13900000002",
    )
    complaint_assign(complaint=handling.complaint, assignee=officer, actor=officer)
    done = complaint_submit(
        filing_code=anda.code,
        category="out_of_scope",
        body="该机构组织了未备案职业的考核。",
        submission_key="demo-complaint-3",
    )
    complaint_answer(complaint=done.complaint, outcome="verified", answer="经查属实，已纳入整改要求。", actor=officer)
    credit_publish(actor=officer)  # a published grade: 安达 carries the verified complaint

    # 好差评: both filing cases have ended; 恒信 rates 非常满意, 安达 rates 不满意 — its follow-up has had the
    # return visit and is in rectification (staff finish it on the ratings page).
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[n for n, _ in UNITS])}
    rating_submit(
        application=hengxin.application, grade=5, comment="材料一次告知，办理很快。", actor=users["sv_hengxin"]
    )
    poor = rating_submit(
        application=anda.application,
        grade=2,
        comment="技术评估现场核查时间临时变更两次，没有提前书面通知。",
        actor=users["sv_anda"],
    )
    followup_transition(
        follow_up=poor.follow_up,
        action="visit",
        note="已电话回访申请单位，核实现场核查时间确有两次临时变更，未书面通知。",
        actor=officer,
    )
