"""Chinese labels for what the audit viewer shows: roles, actions, objects, fields and their values (issue 11:
the viewer showed "auth.otp_verify", "accounts.user 31", ``{'state': 'submitted'}``).

Nothing here changes what is recorded: the trail keeps its stable codes (they are hashed into the chain); only
the page translates them. An action or field the tables below do not know is shown as "其他操作" / "其他" with
no code, so no internal name reaches the page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

ROLE_LABELS = {
    "institution": "机构用户",
    "staff": "经办/审核人员",
    "expert": "评审专家",
    "inspector": "检查人员",
    "qsupervisor": "质量督导员",
    "admin": "系统管理员",
    "security_admin": "安全管理员",
    "audit_admin": "审计管理员",
    "system": "系统（自动）",
    "": "系统（自动）",
}

ACTION_LABELS = {
    "admin.add": "新增用户",
    "admin.change": "修改用户",
    "admin.delete": "删除用户",
    "application.create_draft": "新建备案申请",
    "application.update": "修改备案申请",
    "application.material_upload": "上传申请材料",
    "application.submit": "提交申请",
    "application.resubmit": "提交补正材料",
    "application.request_supplement": "一次性告知补正",
    "application.accept": "受理",
    "application.refuse_acceptance": "不予受理",
    "application.assign_assessment": "安排技术评估",
    "application.forward": "审核通过，报送上级",
    "application.start_publicity": "发布公示",
    "application.close_publicity": "结束公示",
    "application.file": "予以备案",
    "application.refuse": "不予备案",
    "application.withdraw": "撤回申请",
    "application.deem_accepted": "逾期视为受理",
    "application.deem_abandoned": "逾期未补正，视为放弃申请",
    "assessment.submit": "提交评估意见",
    "audit.search": "查询审计记录",
    "audit.verify": "校验审计链",
    "auth.login": "登录",
    "auth.login_failed": "登录失败",
    "auth.logout": "退出登录",
    "auth.locked_out": "账号被锁定",
    "auth.unlock": "解除锁定",
    "auth.otp_verify": "动态口令验证",
    "auth.password_change": "修改密码",
    "auth.password_reset": "重置密码",
    "certificate.batch.create": "登记评价计划",
    "evaluation.plan.report": "报备评价计划",
    "evaluation.plan.acknowledge": "确认评价计划",
    "evaluation.plan.return": "退回评价计划",
    "evaluation.plan.withdraw": "撤回评价计划",
    "evaluation.plan.file_results": "报备评价结果",
    "evaluation.plan.accept_results": "确认评价结果",
    "evaluation.plan.return_results": "退回评价结果",
    "evaluation.plan.close": "评价计划结束",
    "evaluation.plan.links": "更新视频监控和考务数据接入信息",
    "evaluation.results.publish": "公示评价结果",
    "evaluation.results.rejected": "评价结果报备未通过核验",
    "certificate.batch.results": "报送评价结果",
    "certificate.import": "导入证书数据",
    "certificate.import.create": "上传证书数据文件",
    "certificate.revoke": "撤销证书",
    "clock.confirmed": "确认期限届满结果",
    "clock.dismissed": "驳回期限届满结果",
    "clock.hold": "期限届满待人工确认",
    "deadlines.index_rebuilt": "重新计算在办案件期限",
    "deadlines.index_repaired": "按办理记录更正在办案件期限",
    "demo.load": "载入演示数据",
    "filing.create": "生成备案",
    "filing.exit_voluntary": "自愿终止",
    "filing.expire": "备案有效期届满",
    "holiday_year.import": "导入放假安排",
    "holiday_year.replace": "更新放假安排",
    "occupations.import": "导入职业目录",
    "otp.enrol": "绑定动态口令",
    "otp.recovery_codes": "生成备用码",
    "otp.reset": "重置动态口令",
    "pii.rekey": "个人信息密钥轮换",
    "pii.reveal": "查看完整个人信息",
    "rectification.close": "整改结束",
    "rectification.order": "责令整改",
    "unit.register": "注册申报单位",
    "notification.send": "发送通知",
    "application.change_start": "新建变更备案申请",
    "application.renewal_start": "新建延续申请",
    "auth.account_flagged": "账户密码与动态口令均被他人重置（需核实）",
    "certificate.import.start": "开始导入证书数据",
    "certificate.import.chunk": "证书数据分批写入",
    "certificate.import.restart": "证书导入中断后重新开始",
    "certificate.import.stale": "证书导入中断",
    "certificate.import.requeue": "证书导入重新排队",
    "filing.version": "备案内容新版本生效",
    "rectification.fail": "整改不合格",
    "rectification.answer": "提交整改报告",
    "complaint.submit": "受理投诉举报",
    "complaint.assign": "分派投诉举报",
    "complaint.answer": "答复投诉举报",
    "credit.publish": "公布信用等级",
    "inspector.enrol": "登记检查人员",
    "notice.publish": "发布公示公告",
    "objection.submit": "提出异议",
    "objection.answer": "答复异议",
    "plan.create": "制定抽查计划",
    "plan.draw": "随机抽取检查对象和检查人员",
    "quality.supervisor_enrol": "登记外部质量督导员",
    "quality.supervisor_status": "变更质量督导员状态",
    "quality.training": "登记督导员培训",
    "quality.conflict": "登记督导员回避",
    "quality.draw_commit": "生成督导员选派随机种子承诺值",
    "quality.draw": "随机选派质量督导员",
    "quality.designate": "指定选派质量督导员",
    "quality.assignment_report": "督导任务完成",
    "quality.assignment_recuse": "督导员回避",
    "quality.report": "提交督导报告",
    "quality.problem_rectify": "据督导发现的问题责令整改",
    "rating.submit": "评价办件（好差评）",
    "rating.followup_visit": "差评回访核实",
    "rating.followup_close": "差评整改并反馈",
    "appraisal.start": "开始定期评估",
    "appraisal.score": "定期评估评分",
    "appraisal.confirm": "确认定期评估结果",
    "appraisal.self_check": "提交通用条件年度自查",
    "annualreport.create": "起草年度工作总结",
    "annualreport.save": "保存年度工作总结草稿",
    "annualreport.submit": "报送年度工作总结",
    "annualreport.return": "退回年度工作总结",
    "annualreport.accept": "接收年度工作总结",
    "annualreport.miss": "记录年度工作总结逾期",
    "objectstore.rewind": "对象存储回退到指定时间",
}

OBJECT_LABELS = {
    "accounts.user": "用户",
    "accounts.authority": "备案机关",
    "applications.application": "备案申请",
    "applications.assessment": "技术评估",
    "audit.auditrecord": "审计记录",
    "certificates.certificate": "证书",
    "certificates.evaluationbatch": "评价计划",
    "evaluations.evaluationplan": "评价计划",
    "certificates.importjob": "证书导入任务",
    "deadlines.confirmation": "期限届满待确认",
    "deadlines.filingexit": "评价机构退出",
    "institutions.applicantunit": "申报单位",
    "institutions.filing": "备案",
    "occupations.catalogue": "职业目录",
    "supervision.rectification": "整改",
    "supervision.inspectorentry": "检查人员名录",
    "supervision.notice": "公示公告",
    "supervision.objection": "异议",
    "supervision.complaint": "投诉举报",
    "supervision.inspectionplan": "抽查计划",
    "supervision.inspection": "检查",
    "quality.externalsupervisor": "外部质量督导员",
    "quality.supervisordraw": "督导员选派",
    "quality.supervisorassignment": "督导员选派记录",
    "quality.qualityreport": "督导报告",
    "supervision.servicerating": "好差评",
    "supervision.ratingfollowup": "差评整改回访",
    "appraisals.appraisal": "定期评估",
    "appraisals.selfcheck": "通用条件自查",
    "workcalendar.holidayyear": "放假安排",
    "annualreports.annualreport": "年度工作总结",
    "annualreports.reportmiss": "年度工作总结逾期记录",
}

FIELD_LABELS = {
    # periodic evaluation (appraisals): the scheme items and the HN 附件1 self-check items
    "year": "年度",
    "scheme_version": "评估方案版本",
    "total": "总分",
    "grade": "等级",
    "met": "是否符合",
    "annual_report": "年度工作总结报送",
    "self_check": "对照通用条件自查自纠",
    "inspections": "监督检查结论",
    "complaints": "投诉举报核实情况",
    "rectification": "整改落实情况",
    "credit": "信用记录",
    "certificates": "证书数据上报",
    "pass_rate": "评价质量（通过率异常）",
    "legal_person": "独立法人资格、信用记录、无违法违规记录",
    "rules": "规章制度",
    "office": "办公用房",
    "theory_room": "知识理论考试场地",
    "skill_venue": "操作技能考核场地",
    "video": "视频监控录像设备",
    "staff": "评价工作人员",
    "examiners": "考评人员",
    "objectstore.bucket": "对象存储桶",
    "restored": "恢复",
    "state": "状态",
    "status": "状态",
    "reason": "理由",
    "basis": "依据",
    "note": "说明",
    "kind": "类别",
    "name": "名称",
    "size": "大小（字节）",
    "sha256": "文件摘要",
    "fields": "修改的栏目",
    "pii_changed": "修改的个人信息",
    "people": "人员数",
    "equipment": "设备数",
    "scope": "职业（工种）",
    "items": "补正事项",
    "authority": "受理机关",
    "route": "审核路径",
    "missing_materials": "未提交的材料",
    "method": "评估方式",
    "expert": "评审专家",
    "recommendation": "结论",
    "opinion": "意见",
    "code": "编码",
    "valid_from": "有效期起",
    "valid_to": "有效期至",
    "starts_on": "开始日期",
    "ends_on": "结束日期",
    "objections": "异议情况",
    "username": "用户名",
    "uscc": "统一社会信用代码",
    "region": "地区",
    "created": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "removed": "删除",
    "rows": "行数",
    "mode": "导入方式",
    "applicants": "报考人数",
    "passes": "合格人数",
    "revoked_on": "撤销日期",
    "ordered_on": "决定日期",
    "notice_on": "通知日期",
    "terminates_on": "终止日期",
    "checked": "已校验条数",
    "ok": "校验结果",
    "seq": "序号",
    "field": "栏目",
    "key_id": "密钥编号",
    "reindex": "重建索引",
    "attempts_cleared": "清除失败次数",
    "must_change_at_next_login": "下次登录须改密码",
    "same_file_as": "与之相同的文件",
    "actor": "操作人",
    "date_from": "起始日期",
    "date_to": "截止日期",
    "action": "操作",
    "object_type": "对象类型",
    "object_id": "对象编号",
    "result": "结果",
    "checklist": "人工核查清单",
    "channel": "渠道",
    "recipient": "接收人",
    "subject": "主题",
    "change_kind": "申请类别",
    "committed": "已提交写入",
    "dates": "日期",
    "effective_from": "生效日期",
    "effective_on": "生效日期",
    "errors_count": "错误条数",
    "estimated_rows": "预计行数",
    "filing": "备案",
    "level": "等级",
    "occupation": "职业（工种）",
    "rows_created": "新登记条数",
    "rows_invalid": "错误行数",
    "rows_read": "读取行数",
    "rows_unchanged": "未变条数",
    "rows_valid": "正确行数",
    "step": "审核环节",
    "to": "至",
    "validity_basis": "有效期依据",
    "wrapup_due_on": "收尾期限",
    "wrapup_provisional": "收尾期限为暂定",
    "worker": "处理进程",
    "number": "编号",
    "answer": "答复",
    "due_on": "期限",
    "escalate": "转办",
    "files": "附件",
    "inspect_on": "检查日期",
    "legal_basis": "法律依据",
    "outcome": "处理结果",
    "register_digest": "名录摘要",
    "fingerprint": "计算依据摘要",
    "cases": "案件数",
    "applications": "涉及的申请（内部编号）",
    "requirements": "整改要求",
    "seed_hash": "随机种子摘要",
    "topic": "公告类别",
    "term_from": "聘期起",
    "term_to": "聘期止",
    "trained_on": "培训日期",
    "hours": "学时",
    "count": "人数",
    "chosen": "选派结果",
    "verdict": "督导结论",
    "problems": "问题条数",
    "venue": "评价场地",
    "late": "逾期报备",
    "roster": "合格名册人数",
    "notice": "公示编号",
    "errors": "错误条数",
    "video_link": "视频监控链接",
    "data_link": "考务数据系统链接",
    "evidence": "接入证明",
    "follow_up_due_on": "整改反馈期限",
    "comment": "意见",
}

RESULT_LABELS = {"ok": "成功", "refused": "被拒绝", "failed": "失败", "error": "出错"}


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role or "", "其他角色")


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    from skillreg.applications.workflow import TRANSITIONS
    from skillreg.institutions.lifecycle import TRANSITIONS as FILING_TRANSITIONS

    prefix, _, name = action.partition(".")
    if prefix == "application" and name in TRANSITIONS:
        return TRANSITIONS[name].label
    if prefix == "filing" and name in FILING_TRANSITIONS:
        return FILING_TRANSITIONS[name].label
    return "其他操作"


def object_label(object_type: str, object_id: str = "") -> str:
    label = OBJECT_LABELS.get(object_type)
    if label is None:
        try:
            from django.apps import apps

            label = str(apps.get_model(object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            label = "其他对象" if object_type else ""
        if label and label.isascii():
            label = "其他对象"
    return f"{label} {object_id}".strip()


def _state_label(value: str) -> str:
    for loader in (
        _application_states,
        _filing_states,
        _certificate_states,
        _import_states,
        _supervision_states,
        _plan_states,
        _appraisal_states,
        _annual_report_states,
    ):
        labels = loader()
        if value in labels:
            return labels[value]
    return value


def _application_states() -> dict[str, str]:
    try:
        from skillreg.applications.models import State

        return dict(State.choices)
    except Exception:  # noqa: BLE001
        return {}


def _supervision_states() -> dict[str, str]:
    from skillreg.supervision import models as m

    out: dict[str, str] = {}
    for choices in (m.ObjectionStatus, m.PlanStatus, m.InspectionStatus, m.ComplaintStatus, m.FollowUpStatus):
        out.update({str(k): str(v) for k, v in choices.choices})
    from skillreg.quality import models as q

    for quality_choices in (q.SupervisorStatus, q.AssignmentStatus):
        out.update({str(k): str(v) for k, v in quality_choices.choices})
    return out


def _plan_states() -> dict[str, str]:
    from skillreg.evaluations.models import PlanStatus

    return dict(PlanStatus.choices)


def _appraisal_states() -> dict[str, str]:
    from skillreg.appraisals.models import AppraisalStatus

    return dict(AppraisalStatus.choices)


def _annual_report_states() -> dict[str, str]:
    from skillreg.annualreports.models import ReportStatus

    return {str(k): str(v) for k, v in ReportStatus.choices}


def _import_states() -> dict[str, str]:
    from skillreg.certificates.models import ImportStatus

    return dict(ImportStatus.choices)


def _certificate_states() -> dict[str, str]:
    from skillreg.certificates.models import CertificateStatus

    return dict(CertificateStatus.choices)


def actor_text(actor_id: int | None, actor_label: str) -> str:
    """Who acted: the login name, or 系统（自动） for the sweeps and the demo loader (recorded as "system")."""
    if actor_id is None and actor_label in ("", "system"):
        return "系统（自动）"
    return actor_label


def _filing_states() -> dict[str, str]:
    try:
        from skillreg.institutions.models import FilingStatus

        return dict(FilingStatus.choices)
    except Exception:  # noqa: BLE001
        return {}


def value_text(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if key in ("state", "status") and isinstance(value, str):
        return _state_label(value)
    if key in _AUTHORITY_KEYS and isinstance(value, str | list):
        names = _authority_names()
        codes = [value] if isinstance(value, str) else [str(v) for v in value]
        return " → ".join(names.get(c, "其他机关") for c in codes) or "—"
    if key == "result" and isinstance(value, str):
        return RESULT_LABELS.get(value, value)
    if isinstance(value, str) and key in _CHOICE_KEYS:
        return _choice_labels().get(value, value)
    if isinstance(value, list):
        if key in ("fields", "pii_changed"):
            return "、".join(field_label(str(v)) for v in value) or "—"
        return "、".join(value_text("", v) for v in value) or "—"
    if isinstance(value, dict):
        return changes_text(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


# Keys whose values are authority codes ("hrss-500238"): shown by the authority's name.
_AUTHORITY_KEYS = {"authority", "route", "to", "copy_to"}


def _authority_names() -> dict[str, str]:
    from skillreg.accounts.models import Authority

    return dict(Authority.objects.values_list("code", "name"))


_CHOICE_KEYS = {
    "kind",
    "mode",
    "method",
    "recommendation",
    "role",
    "institution_kind",
    "id_type",
    "change_kind",
    "topic",
    "outcome",
    "category",
    "conclusion",
    "source",
    "verdict",
}


def _choice_labels() -> dict[str, str]:
    """Labels of the coded values kept in audit data: material kinds, import modes, evaluation methods …"""
    from skillreg.accounts.models import Role
    from skillreg.applications.models import ApplicationType, Assessment, MaterialKind
    from skillreg.certificates.models import IdType, ImportMode
    from skillreg.deadlines.models import FilingExit
    from skillreg.institutions.models import InstitutionKind
    from skillreg.quality import models as q
    from skillreg.supervision import models as sv

    out: dict[str, str] = {}
    for choices in (
        MaterialKind,
        ImportMode,
        Assessment.Method,
        Assessment.Recommendation,
        Role,
        InstitutionKind,
        IdType,
        ApplicationType,
        FilingExit.Kind,
        sv.NoticeKind,
        sv.NoticeTopic,
        sv.ComplaintCategory,
        sv.ComplaintOutcome,
        sv.Conclusion,
        sv.InspectionSource,
        sv.CreditKind,
        q.ConflictKind,
        q.Verdict,
    ):
        out.update({str(k): str(v) for k, v in choices.choices})
    return out


def field_label(key: str) -> str:
    if key in FIELD_LABELS:
        return FIELD_LABELS[key]
    from django.core.exceptions import FieldDoesNotExist

    from skillreg.applications.models import Application

    try:
        label = str(getattr(Application._meta.get_field(key), "verbose_name", ""))
    except FieldDoesNotExist:
        return "其他"
    return label if label and not label.isascii() else "其他"


def changes_text(data: Any) -> str:
    """``{'state': 'submitted'}`` → "状态：已提交"; every key by its Chinese label."""
    if data is None or data == {}:
        return ""
    if not isinstance(data, dict):
        return value_text("", data)
    return "；".join(f"{field_label(str(k))}：{value_text(str(k), v)}" for k, v in data.items())
