"""Public notices (公示 / 公告) and objections (异议): one model any process publishes through ``notice_publish``;
the public objects during a 公示's period; staff of the publishing authority's region answer. ``objection_answer``
is the only writer of ``Objection.status``."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from skillreg.accounts import scope
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.errors import PermissionDeniedError, TransitionNotAllowed, ValidationFailed
from skillreg.core.textlimits import check_length, column_limit

from .. import basis
from ..models import Notice, NoticeAttachment, NoticeKind, NoticeTopic, Objection, ObjectionStatus
from ._files import attach_stored, stored_uploads

# A 公示 runs at least this many calendar days unless the caller's pack says otherwise (docs/decisions.md).
DEFAULT_PUBLICITY_DAYS = 5
# Without an ambiguous 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def code_digest(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def new_query_code(length: int = 8) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def notice_publish(
    *,
    kind: str,
    topic: str,
    title: str,
    body: str,
    legal_basis: str,
    actor: Any,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    filing: Any = None,
    application: Any = None,
    attachments: Sequence[tuple[Any, str]] = (),
) -> Notice:
    """Publish a notice of the actor's authority. A notice starts today or later and runs its whole period
    (``ends_on`` inclusive; a 公示 defaults to ``DEFAULT_PUBLICITY_DAYS`` days, a 公告 to one day)."""
    # An institution publishes the pass list of its own evaluation (结果公示, issue 14) under its filing authority.
    own_results = (
        topic == NoticeTopic.EVALUATION_RESULT
        and filing is not None
        and scope.is_institution(actor)
        and getattr(actor, "unit_id", None) == filing.unit_id
    )
    if not own_results and (not scope.is_staff_member(actor) or not getattr(actor, "authority_id", None)):
        raise PermissionDeniedError("仅监管部门工作人员可以发布公示公告", code="NOTICE_NOT_ALLOWED")
    if kind not in NoticeKind.values:
        raise ValidationFailed("请选择公示或公告", code="NOTICE_KIND_INVALID", field="kind")
    if topic not in NoticeTopic.values:
        raise ValidationFailed("请选择公示公告的事项", code="NOTICE_TOPIC_INVALID", field="topic")
    title, body, legal_basis = (title or "").strip(), (body or "").strip(), (legal_basis or "").strip()
    if not title:
        raise ValidationFailed("请填写标题", code="NOTICE_TITLE_REQUIRED", field="title")
    if not body:
        raise ValidationFailed("请填写正文", code="NOTICE_BODY_REQUIRED", field="body")
    if not legal_basis:
        raise ValidationFailed("请填写发布依据（文号及条款）", code="NOTICE_BASIS_REQUIRED", field="legal_basis")
    check_length(title, limit=column_limit(Notice, "title"), field="title", label="标题")
    check_length(legal_basis, limit=column_limit(Notice, "legal_basis"), field="legal_basis", label="发布依据")
    today = clock.today()
    starts_on = starts_on or today
    if starts_on < today:
        raise ValidationFailed("公示公告的开始日期不能早于今天", code="NOTICE_START_IN_PAST", field="starts_on")
    if ends_on is None:
        days = DEFAULT_PUBLICITY_DAYS if kind == NoticeKind.PUBLICITY else 1
        ends_on = starts_on + dt.timedelta(days=days - 1)
    if ends_on < starts_on:
        raise ValidationFailed("公示结束日期不能早于开始日期", code="NOTICE_PERIOD_INVALID", field="ends_on")
    if filing is not None and not own_results and not scope.supervises(actor, filing):
        raise PermissionDeniedError("该机构不在本机关监管范围内", code="NOTICE_NOT_ALLOWED")
    with stored_uploads(attachments, subdir="notices") as stored, transaction.atomic():
        notice = Notice.objects.create(
            kind=kind,
            topic=topic,
            title=title,
            body=body,
            legal_basis=legal_basis,
            authority=filing.authority if own_results else actor.authority,
            region=filing.region if own_results else actor.authority.region,
            filing=filing,
            application=application,
            starts_on=starts_on,
            ends_on=ends_on,
            published_at=clock.now(),
            published_by=actor,
        )
        attach_stored(NoticeAttachment, stored, notice=notice)
        audit_record(
            actor=actor,
            action="notice.publish",
            obj=notice,
            summary=f"发布{notice.get_kind_display()}：{notice.title}",
            after={"starts_on": starts_on, "ends_on": ends_on, "topic": topic, "legal_basis": legal_basis},
        )
    return notice


@dataclass(frozen=True)
class Lodged:
    objection: Objection
    query_code: str  # shown once to the person who lodged it ("" when the submission was a repeat)
    repeated: bool


def objection_submit(
    *, notice: Notice, body: str, submission_key: str, name: str = "", contact: str = "", actor: Any = None
) -> Lodged:
    """Lodge an objection to a 公示 during its period (both ends inclusive, Asia/Shanghai days). The same
    ``submission_key`` (one per form) gives back the first objection: a double submit lodges one objection."""
    body, name, contact = (body or "").strip(), (name or "").strip(), (contact or "").strip()
    key = (submission_key or "").strip()
    if not key or len(key) > 64:
        raise ValidationFailed("表单已失效，请刷新页面后重新填写", code="OBJECTION_FORM_EXPIRED")
    existing = Objection.objects.filter(submission_key=key).first()
    if existing is not None:
        return Lodged(existing, "", True)
    if notice.kind != NoticeKind.PUBLICITY:
        raise ValidationFailed("该公告不接受异议", code="OBJECTION_NOT_PUBLICITY")
    today = clock.today()
    if today < notice.starts_on:
        raise ValidationFailed("公示尚未开始，暂不能提出异议", code="OBJECTION_BEFORE_PERIOD")
    if today > notice.ends_on:
        raise ValidationFailed(
            f"公示期已于 {notice.ends_on:%Y年%m月%d日} 结束，不能再提出异议", code="OBJECTION_AFTER_PERIOD"
        )
    if not body:
        raise ValidationFailed("请填写异议内容及理由", code="OBJECTION_BODY_REQUIRED", field="body")
    if len(body) > 5000:
        raise ValidationFailed("异议内容不能超过 5000 字", code="OBJECTION_BODY_TOO_LONG", field="body")
    if len(name) > 64:
        raise ValidationFailed("姓名不能超过 64 字", code="OBJECTION_NAME_TOO_LONG", field="name")
    code = new_query_code()
    try:
        with transaction.atomic():
            objection = Objection.objects.create(
                notice=notice,
                tracking_no=f"YY{clock.now():%Y%m%d}{secrets.randbelow(10**6):06d}",
                code_hash=code_digest(code),
                submission_key=key,
                name=name,
                contact=contact,
                body=body,
                submitted_at=clock.now(),
            )
            audit_record(
                actor=actor,
                action="objection.submit",
                obj=objection,
                summary=f"对“{notice.title}”提出异议（{'署名' if name else '匿名'}）",
            )
    except IntegrityError:
        again = Objection.objects.filter(submission_key=key).first()
        if again is None:
            raise
        return Lodged(again, "", True)
    return Lodged(objection, code, False)


def objection_answer(*, objection: Objection, answer: str, actor: Any) -> Objection:
    """Staff of the notice's region (or above) answer; the answer is final (a second answer is refused)."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed("请填写答复内容", code="OBJECTION_ANSWER_REQUIRED", field="answer")
    if not scope.supervises(actor, objection.notice):
        raise PermissionDeniedError("该异议不在本机关办理范围内", code="OBJECTION_NOT_ALLOWED")
    with transaction.atomic():
        locked = Objection.objects.select_for_update().get(pk=objection.pk)
        if locked.status != ObjectionStatus.SUBMITTED:
            raise TransitionNotAllowed("该异议已答复", code="OBJECTION_ALREADY_ANSWERED")
        locked.status = ObjectionStatus.ANSWERED
        locked.answer = answer
        locked.answered_at = clock.now()
        locked.answered_by = actor
        locked.save(update_fields=["status", "answer", "answered_at", "answered_by"])
        audit_record(
            actor=actor,
            action="objection.answer",
            obj=locked,
            summary=f"答复异议 {locked.tracking_no}",
            before={"status": ObjectionStatus.SUBMITTED},
            after={"status": ObjectionStatus.ANSWERED, "answer": answer},
        )
    return locked


def headline(full: str, short: str) -> str:
    """A generated notice title: ``full`` (naming the institution) when it fits the title's column, else
    ``short`` — never ``full`` cut off; the body names the institution whole either way."""
    return full if len(full) <= column_limit(Notice, "title") else short


def selection_publicity_publish(
    *, application: Any, starts_on: dt.date, ends_on: dt.date, text: str, actor: Any
) -> Notice:
    """The public 公示 of a selected social training-evaluation organisation (CQ-11 第二款), linked to its
    application; called by ``applications.services.publicity_start`` in its transaction."""
    return notice_publish(
        kind=NoticeKind.PUBLICITY,
        topic=NoticeTopic.SELECTION,
        title=headline(f"关于{application.institution_name}遴选结果的公示", "社会培训评价组织遴选结果公示"),
        body=text,
        legal_basis=basis.legal_basis("selection_publicity", region=application.region),
        actor=actor,
        starts_on=starts_on,
        ends_on=ends_on,
        application=application,
    )


def selection_objections_outcome(application: Any) -> tuple[str, int]:
    """What the 公示 of ``application`` received: (the summary recorded with the decision, unanswered count)."""
    objections = list(Objection.objects.filter(notice__application=application).order_by("submitted_at"))
    if not objections:
        return "公示期内无异议", 0
    open_ = sum(1 for o in objections if o.status != ObjectionStatus.ANSWERED)
    lines = [f"{o.tracking_no}：{o.body[:200]} —— 答复：{o.answer or '（未答复）'}" for o in objections]
    return f"公示期内收到异议 {len(objections)} 件：\n" + "\n".join(lines), open_


def exit_notice_publish(*, filing: Any, reason: str, ordered_on: dt.date, actor: Any, announcement: str = "") -> Notice:
    """The public 公告 of an ordered exit (责令终止评价活动, GZ-15; removed from the catalogue and announced),
    linked to the filing; called by ``institutions.exits.filing_exit_order`` in its transaction."""
    legal = basis.legal_basis("ordered_exit", filing=filing, on=ordered_on)
    body = (
        f"{filing.name}（备案编码 {filing.code}）存在严重违规行为，{basis.according(legal)}"
        f"自 {ordered_on:%Y年%m月%d日} 起"
        f"责令终止职业技能等级评价活动，移出评价机构目录，并须在规定时限内完成收尾工作。\n事实和理由：{reason.strip()}"
    )
    if (announcement or "").strip():
        body += f"\n{announcement.strip()}"
    return notice_publish(
        kind=NoticeKind.ANNOUNCEMENT,
        topic=NoticeTopic.EXIT,
        title=headline(f"关于责令{filing.name}终止评价活动的公告", "关于责令评价机构终止评价活动的公告"),
        body=body,
        legal_basis=legal,
        actor=actor,
        filing=filing,
        starts_on=max(ordered_on, clock.today()),
        ends_on=max(ordered_on, clock.today()),
    )
