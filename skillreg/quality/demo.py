"""Demo of quality supervision (issue 14 part 2), through the real services: the Wuxi register of external
quality supervisors (three with a login, one working for a demo institution, one whose term is over, trainings
and a declared conflict), an acknowledged plan of 巫溪县恒信职业培训学校 held today with a drawn supervisor who
has filed a report with a photo and two problems, and a later acknowledged plan still waiting for its draw.
Idempotent like the rest of the demo."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth import get_user_model

from skillreg.core import clock, testing
from skillreg.evaluations.demo import report
from skillreg.evaluations.services import plan_acknowledge
from skillreg.institutions.models import Filing
from skillreg.occupations.models import Occupation

from .models import ConflictKind, SupervisorAssignment
from .services.assignments import draw_commit, draw_run
from .services.register import conflict_declare, supervisor_enrol, training_record
from .services.reports import report_file

QUALITY_LOGINS = [
    ("qs_supervisor1", "质量督导员", "外部质量督导员 李华（巫溪县名录，可能已被选派并提交报告）"),
    ("qs_supervisor2", "质量督导员", "外部质量督导员 王强"),
    ("qs_supervisor3", "质量督导员", "外部质量督导员 陈静"),
]
# A 1×1 PNG: the demo's site photo.
PHOTO = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2b2a8250000000049454e44ae426082"
)


def quality_demo_loaded() -> bool:
    return get_user_model().objects.filter(username="qs_supervisor1").exists()


def load_quality_demo(password: str) -> None:
    officer = get_user_model().objects.get(username="cq_wuxi")
    hengxin_user = get_user_model().objects.get(username="sv_hengxin")
    hengxin = Filing.objects.get(unit=hengxin_user.unit)
    anda = Filing.objects.get(unit=get_user_model().objects.get(username="sv_anda").unit)
    today = clock.today()
    term = (dt.date(today.year - 1, 1, 1), dt.date(today.year + 2, 12, 31))
    people = [
        ("李华", "巫溪县职业教育中心", "", "qs_supervisor1"),
        ("王强", "巫溪县人力资源和社会保障局职业能力建设科", "", "qs_supervisor2"),
        ("陈静", "重庆三峡职业学院", "", "qs_supervisor3"),
        ("赵敏", "巫溪县恒信职业培训学校", hengxin.unit.uscc, ""),  # works for a demo institution: recused
        ("孙伟", "巫溪县第一中学", "", ""),  # term over
    ]
    sups = []
    for i, (name, unit, uscc, username) in enumerate(people, start=1):
        user = testing.make_admin(username, "qsupervisor", password=password, display_name=name) if username else None
        over = i == 5
        starts = term[0] if not over else dt.date(today.year - 3, 1, 1)
        sups.append(
            supervisor_enrol(
                actor=officer,
                number=f"WX-DD-{i:03d}",
                name=name,
                id_number=testing.make_id_number(birth=f"19{70 + i}0315", seq=600 + i),
                phone=f"1380238{i:04d}",
                unit_name=unit,
                unit_uscc=uscc,
                selected_on=starts - dt.timedelta(days=20),
                selection_basis="巫溪县人力资源和社会保障局质量督导员遴选（演示）",
                term_from=starts,
                term_to=term[1] if not over else dt.date(today.year - 1, 6, 30),
                occupations=list(Occupation.objects.filter(code="4-10-01-05")) if i == 3 else [],
                user=user,
            )
        )
    for sup in sups[:3]:
        training_record(
            supervisor=sup,
            trained_on=term[0],
            title="技能人才评价质量督导业务培训",
            hours=16,
            certificate_no=f"PX-{sup.number}",
            actor=officer,
        )
    conflict_declare(supervisor=sups[1], filing=anda, kind=ConflictKind.PRIOR, reason="曾在该校兼职授课", actor=officer)

    occupation = Occupation.objects.get(code="4-10-01-05")
    held = report(
        hengxin,
        hengxin_user,
        number="QS-DEMO-01",
        occupation=occupation,
        level=4,
        starts_on=today,
        ends_on=today + dt.timedelta(days=1),
    )
    held = plan_acknowledge(plan=held, actor=officer)
    drawn = draw_run(row=draw_commit(plan=held, count=1, actor=officer), actor=officer)
    assignment = SupervisorAssignment.objects.select_related("supervisor__user").get(draw=drawn)
    report_file(
        assignment=assignment,
        actor=assignment.supervisor.user,
        onsite_record="考场秩序良好，考生身份核验规范；技能考核全程视频监控，考评人员按评分标准独立评分。",
        verdict="minor",
        problems=["两名考评人员未佩戴工作证", "理论考场座位间距不足一米"],
        photos=[(io.BytesIO(PHOTO), "考场全景.png")],
    )
    later = report(
        hengxin,
        hengxin_user,
        number="QS-DEMO-02",
        occupation=occupation,
        level=5,
        starts_on=today + dt.timedelta(days=20),
    )
    plan_acknowledge(plan=later, actor=officer)
