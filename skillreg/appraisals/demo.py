"""Demo of periodic evaluation (AH-4.2, HN-2), the credit grade on renewal (CQ-29) and the GZ-11 renewal materials.

* 淮南舜耕职业技能培训学校 (田家庵区, filed 2024-01-15): a verified complaint in 2026, its 2026 self-check against
  附件1, a confirmed 2025 periodic evaluation, the 2026 one not yet scored, and a renewal application submitted
  2026-11-25 — its staff case page shows the results and the credit grade.
* 贵州黔匠装备制造有限公司 (贵阳, employer, filed 2026-01-12): a renewal draft with the GZ-11 list, one uploaded.

Made through the real services on the days they happened (``core.clock.replay_at``); loaded once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from skillreg.applications.demo_lifecycle import filed_demo_institution
from skillreg.applications.models import Application, ApplicationType
from skillreg.applications.services import material_upload
from skillreg.applications.services.lifecycle import lifecycle_draft_start, lifecycle_submit
from skillreg.core import clock, testing

from .services import appraisal_confirm, appraisal_score, appraisal_start, self_check_submit

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date

APPRAISAL_LOGINS = [
    ("pe_shungeng", "机构用户", "淮南舜耕职业技能培训学校（年度自查；延续申请待审，定期评估结果和信用等级供参考）"),
    ("pe_qianjiang", "机构用户", "贵州黔匠装备制造有限公司（延续申请草稿：按第十一条提交续期材料）"),
]


@contextmanager
def _day(day: dt.date, hour: int = 10) -> Iterator[None]:
    with clock.replay_at(dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)):
        yield


def appraisal_demo_loaded() -> bool:
    return get_user_model().objects.filter(username="pe_shungeng").exists()


def _ready(app: Application) -> None:
    """The applicant ticks the pledge and states it is operating, as on the draft form."""
    Application.objects.filter(pk=app.pk).update(
        pledge_accepted=True, facts={**(app.facts or {}), "currently_operating": True}
    )
    app.refresh_from_db()


def load_appraisal_demo() -> None:
    from skillreg.supervision.services.complaints import complaint_answer, complaint_submit

    officer = get_user_model().objects.get(username="hn_city")
    user, filing = filed_demo_institution(
        "pe_shungeng", "淮南舜耕职业技能培训学校", "340403", "social_org", [("4-10-01-05", [5, 4])],
        D(2024, 1, 15), 5101, coverage_area="city_wide",
    )  # fmt: skip
    with _day(D(2026, 1, 20)):
        a = appraisal_start(filing=filing, year=2025, actor=officer)
        data = {
            i["code"]: (str(v["score"]) if v.get("score") is not None else "92", "" if v.get("score") is not None
                        else "按2025年度工作总结和日常监管情况评分")
            for i in a.scheme["items"]
            for v in [a.scores.get(i["code"]) or {}]
        }  # fmt: skip
        appraisal_confirm(appraisal=appraisal_score(appraisal=a, data=data, actor=officer), actor=officer)
    with _day(D(2026, 5, 12)):
        c = complaint_submit(
            filing_code=filing.code, category="fees", body="培训结束后另收取考务费300元，未公示收费标准。",
            submission_key="pe-demo-complaint-1",
        )  # fmt: skip
    with _day(D(2026, 6, 2)):
        complaint_answer(
            complaint=c.complaint, outcome="verified", answer="经查属实，已责令退还并公示收费标准。", actor=officer
        )
    with _day(D(2026, 11, 10)):
        self_check_submit(
            filing=filing,
            year=2026,
            answers={"video": (False, "二号技能考场监控未覆盖操作台")},
            remedy="2026年12月底前加装两路高清摄像头并接入存储。",
            actor=user,
        )
    with _day(D(2026, 11, 25)):
        app = lifecycle_draft_start(filing=filing, kind=ApplicationType.RENEWAL, actor=user)
        _ready(app)
        lifecycle_submit(application=app, actor=user)

    gz_user, gz_filing = filed_demo_institution(
        "pe_qianjiang", "贵州黔匠装备制造有限公司", "520100", "employer", [("6-31-01-03", [5, 4])],
        D(2026, 1, 12), 5102, ownership="local",
    )  # fmt: skip
    with _day(D(2026, 11, 20)):
        draft = lifecycle_draft_start(filing=gz_filing, kind=ApplicationType.RENEWAL, actor=gz_user)
        material_upload(
            application=draft,
            actor=gz_user,
            kind="renewal_form",
            fileobj=testing.upload(testing.PDF_BYTES, "续期申请表.pdf"),
            name="贵州省职业技能等级认定机构续期申请表.pdf",
        )
    # The two logins were made on replayed days in the past; their passwords count as set today, so a person
    # signing in to the demo is not sent to the 90-day password change first (accounts.passwords).
    get_user_model().objects.filter(username__in=[u for u, _r, _d in APPRAISAL_LOGINS]).update(
        password_changed_at=clock.now()
    )
