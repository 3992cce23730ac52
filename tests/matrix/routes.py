"""Who may reach what: one table per app. Each entry maps a URL name to the expected HTTP status per role.

``R(**roles)``: a role's value is one status (the same for its own and the other object) or ``(own, other)``;
roles not named get ``default`` (404: out of scope is "not found", never "forbidden"); ``anon`` is the
anonymous visitor (302 = sent to the login page). ``kwargs`` name the URL arguments: a key of the world
(``app``, ``draft``, ``material``, ``assessment``, ``confirmation``, ``message``, ``code``) or ``=literal``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .world import ROLES


@dataclass(frozen=True)
class Route:
    expect: dict[str, tuple[int, int]]
    method: str = "GET"
    kwargs: dict[str, str] = field(default_factory=dict)
    data: Any = None
    json: bool = False
    csrf: bool = True  # a POST without a CSRF token is refused (403); False: no cookie auth, nothing to forge


def R(
    *,
    method: str = "GET",
    kwargs: dict[str, str] | None = None,
    default: int = 404,
    anon: int = 302,
    data: Any = None,
    json: bool = False,
    csrf: bool = True,
    **roles: int | tuple[int, int],
) -> Route:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    expect: dict[str, tuple[int, int]] = {}
    for role in ROLES:
        value = anon if role == "anon" else roles.get(role, default)
        if role == "superuser" and role not in roles:
            value = expect["admin"]  # a superuser is a system administrator, whatever its role
        expect[role] = value if isinstance(value, tuple) else (value, value)
    return Route(expect, method, kwargs or {}, data, json, csrf)


def everyone(status: int, **kw: Any) -> Route:
    return R(default=status, anon=status, **kw)


# experts too (issue 11); inspectors (issue 13); quality supervisors (issue 14)
OTP_ROLES = {
    "staff": 200, "expert": 200, "inspector": 200, "qsupervisor": 200, "admin": 200, "security_admin": 200,
    "audit_admin": 200,
}  # fmt: skip
SIGNED_IN = dict.fromkeys(ROLES[1:], 200)
APP, DRAFT = {"pid": "app"}, {"pid": "draft"}

CORE = {
    "core:home": R(anon=200, institution=302, staff=302, expert=302, qsupervisor=302, default=200),
    "core:healthz": everyone(200),
    "core:readyz": everyone(200),
}

ACCOUNTS = {
    "accounts:login": R(anon=200, default=302),
    "accounts:logout": everyone(302, method="POST"),
    "accounts:register": everyone(200),
    "accounts:account": R(**SIGNED_IN),
    "accounts:password_change": R(**SIGNED_IN),
    "accounts:otp_verify": R(**OTP_ROLES),
    "accounts:otp_setup": R(**OTP_ROLES),
    "accounts:otp_recovery": R(**OTP_ROLES),
    "accounts:security": R(security_admin=200),
    "accounts:security_action": R(
        method="POST", kwargs={"action": "=unlock"}, data={"username": "nobody"}, security_admin=302
    ),
}

APPLICANT = {
    "apply:list": R(institution=200),
    "apply:new": R(institution=200),
    "apply:detail": R(kwargs=APP, institution=(200, 404)),
    "apply:edit": R(kwargs=DRAFT, institution=(200, 404)),
    "apply:upload": R(method="POST", kwargs=DRAFT, institution=(302, 404)),
    "apply:material": R(kwargs={"pid": "draft", "mid": "draft_material"}, institution=(200, 404)),
    "apply:self_check": R(kwargs=DRAFT, institution=(200, 404)),
    "apply:submit": R(method="POST", kwargs=DRAFT, institution=(302, 404)),
    "apply:withdraw": R(method="POST", kwargs=APP, institution=(302, 404)),
    "apply:reveal": R(method="POST", kwargs={**APP, "field": "=head_phone"}, institution=(200, 404)),
}

STAFF = {
    "staff:worklist": R(staff=200),
    "staff:case": R(kwargs=APP, staff=(200, 404)),
    "staff:act": R(method="POST", kwargs={**APP, "action": "=accept"}, staff=(302, 404)),
    # one download view for everyone whose scope holds the case (applicant, handling staff, assigned expert)
    "staff:material": R(
        kwargs={"pid": "app", "mid": "material"}, institution=(200, 404), staff=(200, 404), expert=(200, 404)
    ),
    "staff:reveal": R(method="POST", kwargs={**APP, "field": "=legal_rep_id_number"}, staff=(200, 404)),
    "staff:my_assessments": R(expert=200),
    "staff:assessment": R(kwargs={"pk": "assessment"}, expert=(200, 404)),
}

DEADLINES = {
    "deadlines:dashboard": R(staff=200),
    "deadlines:case": R(kwargs=APP, staff=(200, 404)),
    "deadlines:confirm": R(method="POST", kwargs={"pk": "confirmation"}, staff=(302, 404)),
    "deadlines:dismiss": R(method="POST", kwargs={"pk": "confirmation"}, staff=(302, 404)),
}

DASHBOARDS = {
    "dashboards:dashboard": R(staff=200),
    "dashboards:export": R(kwargs={"key": "=cases-stage", "fmt": "=csv"}, staff=200),
}

NOTIFICATIONS = {
    "notifications:inbox": R(**SIGNED_IN),
    "notifications:read": R(method="POST", kwargs={"pk": "message"}, **dict.fromkeys(ROLES[1:], (302, 404))),
    "notifications:read_all": R(method="POST", **dict.fromkeys(ROLES[1:], 302)),
}

PORTAL = {
    "portal:directory": everyone(200),
    "portal:export": everyone(200, kwargs={"fmt": "=csv"}),
    "portal:institution": everyone(200, kwargs={"code": "code"}),
}

DOCUMENTS = {
    # receipts: own unit, staff of the region or above; everyone else 404, not a login redirect (system
    # admins and superusers included: they hold no case data, issue 12 item 2)
    "documents:receipt": R(kwargs={"code": "code"}, anon=404, institution=(200, 404), staff=(200, 404)),
    "documents:receipt_pdf": R(kwargs={"code": "code"}, anon=404, institution=(200, 404), staff=(200, 404)),
}

AUDIT = {
    "audit:search": R(audit_admin=200),
    "audit:verify": R(audit_admin=200),
}

API = {
    "api:api-root": everyone(404),
    "api:openapi-json": everyone(200),
    "api:openapi-view": everyone(200),
    "api:check_profile": everyone(400, method="POST", data={}, json=True, csrf=False),
    "api:list_filings": everyone(200),
    "api:get_filing": everyone(200, kwargs={"code": "code"}),
    "api:filing_history": everyone(200, kwargs={"code": "code"}),
}

CERT, BATCH, JOB = {"number": "certificate"}, {"pk": "batch"}, {"public_id": "import"}
CERTIFICATES = {
    # system admins (and superusers) hold no certificate data: 404 everywhere (issue 12 item 2)
    "certificates:list": R(institution=200, staff=200),
    "certificates:export": R(institution=200, staff=200),
    "certificates:detail": R(kwargs=CERT, institution=(200, 404), staff=(200, 404)),
    # the issuing institution may revoke its own certificates (谁发证，谁负责), staff of the region too
    "certificates:revoke": R(
        method="POST", kwargs=CERT, data={"reason": "核查"}, institution=(302, 404), staff=(302, 404)
    ),
    "certificates:batches": R(institution=200, staff=200),
    "certificates:batch": R(kwargs=BATCH, institution=(200, 404), staff=(200, 404)),
    "certificates:statistics": R(institution=200, staff=200),
    "certificates:template": R(kwargs={"fmt": "=xlsx"}, institution=200, staff=200),
    "certificates:imports": R(institution=200, staff=200),
    "certificates:import": R(kwargs=JOB, institution=(200, 404), staff=(200, 404)),
    "certificates:import_progress": R(kwargs=JOB, institution=(200, 404), staff=(200, 404)),
    "certificates:import_errors": R(kwargs=JOB, institution=(404, 404), staff=(404, 404)),
    "certificates:import_start": R(method="POST", kwargs=JOB, institution=(302, 404), staff=(302, 404)),
    "verify:verify": everyone(200),
    # a forged token gets the same uniform "no such certificate" page as any miss (no enumeration)
    "verify:token": everyone(200, kwargs={"token": "=bad-token"}),
    # signed in: the empty body is refused (422) before any write; anonymous: 401
    "api:report": R(method="POST", data={}, json=True, csrf=False, anon=401, default=422),
    "api:verify": everyone(422, method="POST", data={}, json=True, csrf=False),
    "api:check_number": everyone(200, kwargs={"number": "=Y000050000001264000001"}),
    "api:detail": R(kwargs=CERT, anon=401, institution=(200, 404), staff=(200, 404)),
    "api:revoke": R(method="POST", kwargs=CERT, data={}, json=True, csrf=False, anon=401, default=422),
}

CODE = {"code": "code"}
FILINGS = {  # issue 10: a filed institution's own page; staff of its region and above; others 404
    "filings:list": R(institution=200, staff=200),
    "filings:detail": R(kwargs=CODE, institution=(200, 404), staff=(200, 404)),
    "filings:apply": R(method="POST", kwargs={**CODE, "kind": "=change"}, institution=(302, 404), staff=(302, 404)),
    # the world's draft is not a change application of that filing: 404 for everyone
    "filings:submit": R(method="POST", kwargs={**CODE, "pid": "draft"}, institution=(404, 404), staff=(404, 404)),
    "filings:exit": R(method="POST", kwargs=CODE, institution=(422, 404), staff=(422, 404)),
    "filings:order_exit": R(method="POST", kwargs=CODE, institution=(422, 404), staff=(422, 404)),
    "filings:wrap_up": R(method="POST", kwargs={**CODE, "exit_id": "=1"}, institution=(404, 404), staff=(404, 404)),
    "filings:termination_notice": R(kwargs=CODE, institution=(404, 404), staff=(404, 404)),
    "filings:cancel": R(method="POST", kwargs=CODE, institution=(302, 404), staff=(302, 404)),
}

NOTICES = {  # issue 13: public notices, objections, complaints, draw re-run, credit — no login
    "notices:list": everyone(200),
    "notices:detail": everyone(200, kwargs={"pk": "notice"}),
    "notices:objection_status": everyone(200),
    "notices:draw_verify": everyone(200, kwargs={"pk": "plan"}),
    "notices:complaint_new": everyone(200),
    "notices:complaint_status": everyone(200),
    "notices:credit": everyone(200, kwargs=CODE),
}
SUPERVISION = {  # issue 13: staff of the region; the institution its own rectification; inspectors their own
    "supervision:home": R(institution=200, staff=200, inspector=200),
    "supervision:plan_new": R(method="POST", staff=422),
    "supervision:plan": R(kwargs={"pk": "plan"}, staff=(200, 404)),
    "supervision:inspector_new": R(method="POST", staff=302),
    "supervision:conflict_new": R(method="POST", kwargs={"entry_id": "entry"}, staff=(302, 404)),
    "supervision:notice_new": R(method="POST", staff=422),
    "supervision:credit_publish": R(method="POST", staff=302),
    "supervision:objection": R(kwargs={"pk": "objection"}, staff=(200, 404)),
    "supervision:complaints": R(staff=200),
    "supervision:complaint_statistics": R(staff=200),
    "supervision:complaint": R(kwargs={"pk": "complaint"}, staff=(200, 404)),
    "supervision:inspection": R(kwargs={"pk": "inspection"}, staff=(200, 404), inspector=(200, 404)),
    "supervision:inspection_record": R(kwargs={"pk": "inspection"}, staff=(200, 404), inspector=(200, 404)),
    "supervision:rectifications": R(staff=200),
    "supervision:rectification_new": R(method="POST", staff=422),
    "supervision:rectification": R(kwargs={"pk": "rectification"}, institution=(200, 404), staff=(200, 404)),
    "supervision:ratings": R(staff=200),
    "supervision:rate_case": R(kwargs={"pk": "rated_case"}, institution=(200, 404)),
    "supervision:followup": R(kwargs={"pk": "followup"}, staff=(200, 404)),
    "supervision:export": R(kwargs={"kind": "=complaints"}, staff=200),
}

QUALITY = {  # issue 14 part 2: staff of the region; a quality supervisor only its own assignments and reports
    "quality:home": R(institution=200, staff=200, qsupervisor=200),
    "quality:supervisor_new": R(staff=200),
    "quality:supervisor": R(kwargs={"pk": "q_supervisor"}, staff=(200, 404)),
    "quality:plan": R(kwargs={"pk": "q_plan"}, staff=(200, 404)),
    "quality:draw_verify": R(kwargs={"pk": "q_draw"}, staff=(200, 404)),
    "quality:report_new": R(kwargs={"pk": "q_assignment"}, qsupervisor=(200, 404)),
    "quality:report": R(kwargs={"pk": "q_report"}, staff=(200, 404), qsupervisor=(200, 404)),
    "quality:photo": R(kwargs={"pk": "q_photo"}, staff=(200, 404), qsupervisor=(200, 404)),
}

APPRAISALS = {  # issue 15 part 3: staff of the region score; the institution fills its own self-check
    "appraisals:home": R(institution=200, staff=200),
    "appraisals:appraisal": R(kwargs={**CODE, "year": "=2026"}, staff=(200, 404)),
    "appraisals:self_check": R(kwargs={**CODE, "year": "=2026"}, institution=(200, 404), staff=(200, 404)),
}

REPORT = {"pk": "report"}
ANNUAL_REPORTS = {  # issue 15: the unit its own reports; staff of the region and above; others 404
    "annualreports:list": R(institution=200, staff=200),
    "annualreports:start": R(method="POST", institution=422),
    "annualreports:summary_xlsx": R(staff=200),
    "annualreports:detail": R(kwargs=REPORT, institution=(200, 404), staff=(200, 404)),
    "annualreports:version": R(kwargs={**REPORT, "number": "=1"}, institution=(200, 404), staff=(200, 404)),
    "annualreports:file": R(kwargs={**REPORT, "number": "=1", "fmt": "=pdf"}, institution=(200, 404), staff=(200, 404)),
    "documents:notices": R(kwargs={"pid": "app"}, institution=(200, 404), staff=(200, 404)),
    "documents:notice_file": R(kwargs={"pid": "app", "key": "=none-0", "fmt": "=pdf"}),
}

EVALUATIONS = {  # issue 14: the institution its own plans, staff of the region; nobody else (404)
    "evaluations:plans": R(institution=200, staff=200),
    "evaluations:report": R(institution=200),
    "evaluations:report_again": R(kwargs=BATCH, institution=(200, 404)),
    "evaluations:calendar": R(staff=200),
    "evaluations:queue": R(staff=200),
    "evaluations:anomalies": R(staff=200),
    "evaluations:plan": R(kwargs=BATCH, institution=(200, 404), staff=(200, 404)),
    # a POST in scope answers with a redirect to the plan (and a message when refused); out of scope 404
    "evaluations:acknowledge": R(method="POST", kwargs=BATCH, staff=(302, 404)),
    "evaluations:return": R(method="POST", kwargs=BATCH, staff=(302, 404)),
    "evaluations:accept_results": R(method="POST", kwargs=BATCH, staff=(302, 404)),
    "evaluations:return_results": R(method="POST", kwargs=BATCH, staff=(302, 404)),
    "evaluations:withdraw": R(method="POST", kwargs=BATCH, institution=(302, 404), staff=(302, 404)),
    "evaluations:links": R(method="POST", kwargs=BATCH, institution=(302, 404), staff=(302, 404)),
    "evaluations:publish": R(method="POST", kwargs=BATCH, institution=(302, 404), staff=(302, 404)),
    "evaluations:results": R(method="POST", kwargs=BATCH, institution=(302, 404), staff=(302, 404)),
    # no error workbook and no evidence file on the world's plan: 404 for everyone
    "evaluations:roster_errors": R(kwargs=BATCH),
    "evaluations:evidence": R(kwargs=BATCH),
}

TABLES: dict[str, dict[str, Route]] = {
    "core": CORE,
    "accounts": ACCOUNTS,
    "applicant": APPLICANT,
    "staff": STAFF,
    "deadlines": DEADLINES,
    "dashboards": DASHBOARDS,
    "notifications": NOTIFICATIONS,
    "portal": PORTAL,
    "documents": DOCUMENTS,
    "audit": AUDIT,
    "api": API,
    "certificates": CERTIFICATES,
    "quality": QUALITY,
    "filings": FILINGS,
    "notices": NOTICES,
    "supervision": SUPERVISION,
    "appraisals": APPRAISALS,
    "annual_reports": ANNUAL_REPORTS,
    "evaluations": EVALUATIONS,
}

# Django's admin site (/sysadmin/) is for the system administrator only: its many generated URLs are not
# listed one by one; test_access_matrix checks its index for every role instead.
ALLOWED_UNLISTED_NAMESPACES = {"admin"}
