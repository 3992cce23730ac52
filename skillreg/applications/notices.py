"""What the applicant is told when their application moves (issue 11, major 10): one inbox message — and, through
``notifications.deliver_pending``, an e-mail — to every active user of the applicant unit, on every transition
that concerns them. Written by ``services._common.transition`` in the same transaction as the change; the dedupe
key is the event, so a retried sweep never tells anyone twice."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

# action → (subject, first sentence). {number} is the application number, {name} the institution's name.
APPLICANT_NOTICES: dict[str, tuple[str, str]] = {
    "submit": ("申请已提交", "您的备案申请（{number}）已提交，受理机关：{authority}。"),
    "resubmit": ("补正材料已提交", "您的备案申请（{number}）补正材料已提交，受理期限自补正完毕之日重新起算。"),
    "request_supplement": ("请补正申请材料", "受理机关要求您的备案申请（{number}）一次性补正以下材料："),
    "accept": ("申请已受理", "您的备案申请（{number}）已受理，受理机关将组织技术评估。"),
    "deem_accepted": ("申请视为受理", "受理机关逾期未作出不予受理决定，您的备案申请（{number}）视为受理。"),
    "refuse_acceptance": ("申请不予受理", "您的备案申请（{number}）不予受理。"),
    "start_publicity": ("进入公示", "您的备案申请（{number}）已通过遴选，正在公示。"),
    "file": ("已予以备案", "您的备案申请（{number}）已予以备案。"),
    "refuse": ("不予备案", "您的备案申请（{number}）不予备案。"),
    "deem_abandoned": ("申请视为放弃", "您的备案申请（{number}）逾期未补正，视为放弃申请。"),
    "withdraw": ("申请已撤回", "您的备案申请（{number}）已撤回。"),
}


def applicant_notices(application: Any, action: str, event: Any) -> int:
    """Notify the applicant unit of ``event`` (an ``Event`` just written); returns how many messages were new."""
    if action not in APPLICANT_NOTICES:
        return 0
    from skillreg.accounts.models import Role, User
    from skillreg.notifications.services import Notice, notify

    subject, lead = APPLICANT_NOTICES[action]
    authority = getattr(application, "authority", None)
    text = lead.format(
        number=application.number or "草稿",
        name=application.institution_name,
        authority=getattr(authority, "name", "") or "—",
    )
    lines = [text]
    items = (event.data or {}).get("items") or []
    if items:
        lines += [f"{i}. {item}" for i, item in enumerate(items, 1)]
    if event.reason:
        lines.append(("说明：" if action in ("request_supplement", "withdraw") else "理由：") + event.reason)
    if event.basis:
        lines.append("依据：" + event.basis)
    lines.append("请登录系统查看详情。")
    link = reverse("apply:detail", kwargs={"pid": application.public_id})
    recipients = User.objects.filter(unit_id=application.unit_id, role=Role.INSTITUTION, is_active=True)
    return notify(
        Notice(
            recipient_id=uid,
            dedupe_key=f"application:{application.pk}:event:{event.pk}",
            subject=f"{subject}：{application.institution_name}"[:200],
            body="\n".join(lines),
            link=link,
        )
        for uid in recipients.values_list("pk", flat=True)
    )
