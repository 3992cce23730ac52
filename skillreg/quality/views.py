"""Pages of quality supervision (issue 14 part 2): thin — parse, call a selector or a service, render.

Staff: the register, a plan's supervisors (draw, designation, verification), reports and rectification from a
problem. A quality supervisor: its assigned plans and the report form (made for a phone). An institution: its
internal supervisors against the packs' minimum, and who was sent once the evaluation is over."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from skillreg.accounts import scope
from skillreg.core import clock
from skillreg.core.crypto import mask_id_number, mask_phone
from skillreg.core.errors import DomainError
from skillreg.core.paging import FirstRows
from skillreg.core.pii import pii_reveal
from skillreg.core.uploads import download_name, open_stored

from . import basis, selectors
from .forms import (
    ConflictForm,
    DesignateForm,
    DrawForm,
    RectifyForm,
    RecuseForm,
    ReportForm,
    StatusForm,
    SupervisorForm,
    TrainingForm,
    VerifyForm,
)
from .models import AssignmentStatus, SupervisorStatus
from .services.assignments import EXCLUSION_LABELS, assignment_designate, assignment_recuse, draw_commit, draw_run
from .services.register import conflict_declare, supervisor_enrol, supervisor_transition, training_record
from .services.reports import problem_open_rectification, report_file

PLANS_SHOWN = 100  # the plans not yet over on the staff home, the earliest first


def _form_error(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _staff_only(request: HttpRequest) -> None:
    if not scope.is_staff_member(request.user):
        raise Http404("页面不存在")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if scope.is_staff_member(user):
        return render(
            request,
            "quality/staff_home.html",
            {
                "supervisors": selectors.supervisors_for(user),
                "plans": FirstRows(selectors.plans_for_staff(user).filter(ends_on__gte=clock.today()), PLANS_SHOWN),
                "reports": FirstRows(selectors.reports_for_staff(user), 50),
                "basis": basis,
            },
        )
    if scope.is_quality_supervisor(user):
        return render(
            request, "quality/supervisor_home.html", {"assignments": selectors.assignments_for_supervisor(user)}
        )
    if scope.is_institution(user):
        today = clock.today()
        rows = []
        plans = FirstRows(selectors.plans_for_institution(user), 100)
        for plan in plans:
            rows.append(
                {
                    "plan": plan,
                    "internal": selectors.internal_supervisors(plan.filing, plan.starts_on),
                    "sent": selectors.sent_after_the_fact(plan, today),
                    "over": plan.ends_on < today,
                }
            )
        return render(request, "quality/institution_home.html", {"rows": rows, "plans": plans, "basis": basis})
    raise Http404("页面不存在")


# ----------------------------------------------------------------------------- the register (staff)


@login_required
@require_http_methods(["GET", "POST"])
def supervisor_new(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    accounts = selectors.supervisor_accounts_free(request.user)
    form = SupervisorForm(request.POST or None, accounts=accounts)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        occ_codes, reg_codes = form.codes(d["occupations"]), form.codes(d["regions"])
        occupations, regions = selectors.occupations_by_code(occ_codes), selectors.regions_by_code(reg_codes)
        missing_o = [c for c in occ_codes if c not in {o.code for o in occupations}]
        missing_r = [c for c in reg_codes if c not in {r.code for r in regions}]
        if missing_o:
            form.add_error("occupations", f"职业（工种）编码不存在：{'、'.join(missing_o)}")
        if missing_r:
            form.add_error("regions", f"区划代码不存在：{'、'.join(missing_r)}")
        if not form.errors:
            try:
                sup = supervisor_enrol(
                    actor=request.user,
                    number=d["number"],
                    name=d["name"],
                    id_number=d["id_number"],
                    phone=d["phone"],
                    unit_name=d["unit_name"],
                    unit_uscc=d["unit_uscc"],
                    selected_on=d["selected_on"],
                    selection_basis=d["selection_basis"],
                    term_from=d["term_from"],
                    term_to=d["term_to"],
                    occupations=occupations,
                    regions=regions,
                    user={u.pk: u for u in accounts}.get(d["user"]) if d["user"] else None,
                )
                messages.success(request, f"已将 {sup.name} 列入外部质量督导员名录。")
                return redirect("quality:supervisor", pk=sup.pk)
            except DomainError as exc:
                _form_error(form, exc)
    return render(request, "quality/supervisor_new.html", {"form": form, "basis": basis})


@login_required
@require_http_methods(["GET", "POST"])
def supervisor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    sup = selectors.supervisor_for(request.user, pk)
    own = sup.authority_id == getattr(request.user, "authority_id", None)
    training, conflict, status = TrainingForm(), ConflictForm(), StatusForm()
    revealed: dict[str, str] = {}
    if request.method == "POST":
        what = request.POST.get("form")
        try:
            if what == "reveal":
                field = request.POST.get("field")
                if field not in ("id_number", "phone"):
                    raise Http404("页面不存在")
                label = "身份证号码" if field == "id_number" else "手机号"
                revealed[field] = pii_reveal(actor=request.user, obj=sup, field=field, label=label)
            elif what == "training":
                training = TrainingForm(request.POST)
                if training.is_valid():
                    training_record(supervisor=sup, actor=request.user, **training.cleaned_data)
                    messages.success(request, "已登记培训记录。")
                    return redirect("quality:supervisor", pk=sup.pk)
            elif what == "conflict":
                conflict = ConflictForm(request.POST)
                if conflict.is_valid():
                    filing = selectors.filing_by_code_for_staff(
                        request.user, conflict.cleaned_data["filing_code"].strip()
                    )
                    if filing is None:
                        conflict.add_error("filing_code", "本机关监管范围内没有该备案编码的机构")
                    else:
                        conflict_declare(
                            supervisor=sup,
                            filing=filing,
                            kind=conflict.cleaned_data["kind"],
                            reason=conflict.cleaned_data["reason"],
                            actor=request.user,
                        )
                        messages.success(request, "已登记回避。")
                        return redirect("quality:supervisor", pk=sup.pk)
            elif what == "status":
                status = StatusForm(request.POST)
                if status.is_valid():
                    supervisor_transition(supervisor=sup, actor=request.user, **status.cleaned_data)
                    messages.success(request, "已更新督导员状态。")
                    return redirect("quality:supervisor", pk=sup.pk)
        except DomainError as exc:
            target = {"training": training, "conflict": conflict, "status": status}.get(what or "")
            if target is not None:
                _form_error(target, exc)
            else:
                messages.error(request, exc.message)
    return render(
        request,
        "quality/supervisor.html",
        {
            "sup": sup,
            "own": own,
            "masked_id": mask_id_number(str(sup.id_number)),
            "masked_phone": mask_phone(str(sup.phone)) if sup.phone else "",
            "revealed": revealed,
            "training_form": training,
            "conflict_form": conflict,
            "status_form": status,
            "in_term": sup.in_term_on(clock.today()),
            "active": sup.status == SupervisorStatus.ACTIVE,
        },
    )


# ----------------------------------------------------------------------------- a plan's supervisors (staff)


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    plan = selectors.plan_for_staff(request.user, pk)
    own_register = [
        s
        for s in selectors.supervisors_for(request.user)
        if s.authority_id == getattr(request.user, "authority_id", None)
    ]
    draw_form, designate_form = DrawForm(), DesignateForm(supervisors=own_register)
    draw_error = ""
    if request.method == "POST":
        what = request.POST.get("form")
        try:
            if what == "commit":
                draw_form = DrawForm(request.POST)
                if draw_form.is_valid():
                    draw_commit(plan=plan, count=draw_form.cleaned_data["count"], actor=request.user)
                    messages.success(request, "已生成随机种子承诺值，请记录后再抽取。")
                    return redirect("quality:plan", pk=plan.pk)
            elif what == "draw":
                row = selectors.draw_for_staff(request.user, int(request.POST.get("draw") or 0))
                draw_run(row=row, actor=request.user)
                messages.success(request, "已随机选派质量督导员。")
                return redirect("quality:plan", pk=plan.pk)
            elif what == "designate":
                designate_form = DesignateForm(request.POST, supervisors=own_register)
                if designate_form.is_valid():
                    sup = {s.pk: s for s in own_register}[designate_form.cleaned_data["supervisor"]]
                    assignment_designate(
                        plan=plan, supervisor=sup, reason=designate_form.cleaned_data["reason"], actor=request.user
                    )
                    messages.success(request, f"已指定选派 {sup.name}。")
                    return redirect("quality:plan", pk=plan.pk)
        except DomainError as exc:
            if what == "draw":
                draw_error = exc.message
            else:
                _form_error(draw_form if what == "commit" else designate_form, exc)
    return render(
        request,
        "quality/plan.html",
        {
            "plan": plan,
            "internal": selectors.internal_supervisors(plan.filing, plan.starts_on),
            "assignments": selectors.assignments_of(plan),
            "draws": selectors.draws_of(plan),
            "draw_form": draw_form,
            "draw_error": draw_error,
            "designate_form": designate_form,
            "basis": basis,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def draw_verify(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    row = selectors.draw_for_staff(request.user, pk)
    form = VerifyForm(request.POST or None)
    seed = form.cleaned_data["seed"] if request.method == "POST" and form.is_valid() else None
    check = selectors.draw_check(row, seed or None)
    excluded = [(k, EXCLUSION_LABELS.get(r, "其他")) for k, r in (check.rerun.excluded if check.rerun else ())]
    return render(request, "quality/draw_verify.html", {"row": row, "check": check, "form": form, "excluded": excluded})


# ----------------------------------------------------------------------------- reports


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The supervisor's report form (usable on a phone)."""
    if not scope.is_quality_supervisor(request.user):
        raise Http404("页面不存在")
    a = selectors.assignment_for_supervisor(request.user, pk)
    if a.status == AssignmentStatus.REPORTED:
        messages.info(request, "已提交过本计划的督导报告。")
        return redirect("quality:report", pk=a.report.pk)
    form = ReportForm(request.POST or None)
    recuse = RecuseForm()
    if request.method == "POST" and request.POST.get("form") == "recuse":
        recuse = RecuseForm(request.POST)
        form = ReportForm()
        if recuse.is_valid():
            try:
                assignment_recuse(assignment=a, reason=recuse.cleaned_data["reason"], actor=request.user)
                messages.success(request, "已申报回避，选派机关将另行选派。")
                return redirect("quality:home")
            except DomainError as exc:
                _form_error(recuse, exc)
    elif request.method == "POST" and form.is_valid():
        photos: list[Any] = [(f, f.name or "照片") for f in request.FILES.getlist("photos")]
        try:
            report = report_file(
                assignment=a,
                actor=request.user,
                onsite_record=form.cleaned_data["onsite_record"],
                verdict=form.cleaned_data["verdict"],
                problems=form.cleaned_data["problems"].splitlines(),
                photos=photos,
            )
            messages.success(request, "督导报告已提交。")
            return redirect("quality:report", pk=report.pk)
        except DomainError as exc:
            _form_error(form, exc)
    return render(request, "quality/report_form.html", {"a": a, "form": form, "recuse_form": recuse})


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for_user(request.user, pk)
    forms: dict[int, RectifyForm] = {}
    if request.method == "POST":
        _staff_only(request)
        problem = selectors.problem_for_staff(request.user, int(request.POST.get("problem") or 0))
        form = RectifyForm(request.POST, prefix=f"p{problem.pk}")
        forms[problem.pk] = form
        if form.is_valid():
            try:
                problem_open_rectification(problem=problem, actor=request.user, **form.cleaned_data)
                messages.success(request, "已据此问题责令整改。")
                return redirect("quality:report", pk=report.pk)
            except DomainError as exc:
                _form_error(form, exc)
    problems = [(p, forms.get(p.pk) or RectifyForm(prefix=f"p{p.pk}")) for p in report.problems.all()]
    return render(
        request,
        "quality/report.html",
        {
            "report": report,
            "problems": problems,
            "plan": report.assignment.plan,
            "staff": scope.is_staff_member(request.user),
        },
    )


@login_required
def photo_download(request: HttpRequest, pk: int) -> FileResponse:
    photo = selectors.photo_for_user(request.user, pk)
    response = FileResponse(
        open_stored(photo.storage_name),
        as_attachment=False,
        filename=download_name(photo.original_name, photo.storage_name),
        content_type=photo.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
