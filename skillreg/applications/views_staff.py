"""Authority staff: the work list and the case page with its review actions; experts: their tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillreg.accounts.scope import is_expert, is_staff_member
from skillreg.core import clock
from skillreg.core.errors import DomainError
from skillreg.core.paging import CappedPaginator
from skillreg.deadlines.selectors import case_clocks, clocks_for_cases
from skillreg.institutions.models import InstitutionKind

from . import selectors, services
from .eligibility import apply_confirmations, evaluate_application, review_items
from .forms import (
    AssessmentOpinionForm,
    AssignForm,
    ForwardForm,
    PublicityCloseForm,
    PublicityForm,
    ReasonedDecisionForm,
    SubmitForm,
    SupplementRequestForm,
)
from .law import case_law
from .materials import required_materials
from .models import State
from .views_common import flash_error, form_error
from .workflow import allowed_actions

if TYPE_CHECKING:
    from skillreg.accounts.models import Authority, User


WORKLIST_PAGE_SIZE = 20


def _staff_only(request: HttpRequest) -> None:
    if not is_staff_member(request.user):
        raise Http404("页面不存在")


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    state = request.GET.get("state", "")
    kind = request.GET.get("kind", "")
    mine = request.GET.get("mine", "1") == "1"
    q = request.GET.get("q", "").strip()[:100]
    if state and state not in State.values:
        messages.error(request, "状态筛选条件不正确，已忽略。")
        state = ""
    if kind and kind not in InstitutionKind.values:
        messages.error(request, "机构类别筛选条件不正确，已忽略。")
        kind = ""
    qs = selectors.staff_worklist(request.user, state=state, mine=mine, kind=kind, q=q)
    # no COUNT of every case; a deep page reads its keys first (issue 16)
    page = CappedPaginator(qs, WORKLIST_PAGE_SIZE).get_page(request.GET.get("page"))
    a: Any  # each listed case also carries ``next_clock`` for the template
    listed = list(page)
    clocks = clocks_for_cases(listed)  # the page's clocks in a constant number of queries (issue 16)
    for a in listed:
        # the nearest open statutory clock of each listed case (issue 4)
        a.next_clock = next((c for c in sorted(clocks[a.pk], key=_due_key) if c.is_open), None)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "applications/staff_worklist.html",
        {
            "page": page,
            "states": State.choices,
            "kinds": InstitutionKind.choices,
            "filters": {"state": state, "kind": kind, "mine": mine, "q": q},
            "querystring": params.urlencode(),
        },
    )


def _due_key(c: Any) -> Any:
    import datetime as dt

    return c.due or dt.date.max


def _policy_record(application: Any) -> tuple[dict[str, Any] | None, str]:
    try:
        return evaluate_application(application), ""
    except DomainError as exc:
        return None, exc.message


@login_required
def case_detail(request: HttpRequest, pid: Any) -> HttpResponse:
    _staff_only(request)
    application = selectors.application_for_staff(request.user, pid)
    handling = application.authority_id == cast("User", request.user).authority_id  # login_required
    actions = {t.action for t in allowed_actions(application.state, "staff")} if handling else set()
    record, record_error = _policy_record(application) if application.state != State.DRAFT else (None, "")
    apply_confirmations(record, [d.checklist for d in application.decisions.all()])
    steps = (application.route or {}).get("steps", [])
    final_step = application.route_step >= len(steps) - 1
    version = {"version": application.version}
    today = clock.today()
    return render(
        request,
        "applications/staff_case.html",
        {
            "application": application,
            "handling": handling,
            "actions": actions,
            "final_step": final_step,
            "steps": steps,
            "record": record,
            "record_error": record_error,
            "review_items": review_items(record),
            "materials": selectors.current_materials(application),
            "people": application.people.select_related("occupation"),
            "scope": application.scope.select_related("occupation"),
            "assessments": application.assessments.select_related("expert"),
            "events": application.events.select_related("actor", "authority"),
            "decisions": application.decisions.select_related("decided_by", "authority"),
            "supplement_form": SupplementRequestForm(
                initial={**version, "items": missing_material_labels(application)},
                materials=[m.label for m in required_materials(application).items],
            ),
            "decision_form": ReasonedDecisionForm(initial=version),
            "forward_form": ForwardForm(initial=version),
            "assign_form": AssignForm(initial=version, experts=selectors.expert_choices()),
            "publicity_form": PublicityForm(initial={**version, "starts_on": today, "ends_on": today}),
            "publicity_close_form": PublicityCloseForm(initial=version),
            "accept_form": SubmitForm(initial=version),
            "filing": getattr(application, "filing", None) if application.state == State.FILED else None,
            "clocks": case_clocks(application),
            "law": case_law(application.region.code).as_context(),
            "refs": _references(application),
        },
    )


def _references(application: Any) -> Any:
    """A renewal's decision references: periodic evaluation (AH-4.2, HN-2) and the credit grade on the day the
    application was made (CQ-29; GZ-8..10 总体信誉良好 is the reviewer's judgment, these are its evidence)."""
    from skillreg.appraisals.selectors import decision_references

    if application.application_type != "renewal" or application.for_filing is None:
        return None
    on = timezone.localdate(application.submitted_at) if application.submitted_at else clock.today()
    return decision_references(application.for_filing, on)


def missing_material_labels(application: Any) -> list[str]:
    have = set(selectors.current_materials(application))
    return [m.label for m in required_materials(application).required if m.value not in have]


def _version(request: HttpRequest) -> int | None:
    form = SubmitForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else None


@login_required
@require_POST
def case_action(request: HttpRequest, pid: Any, action: str) -> HttpResponse:
    _staff_only(request)
    application = selectors.application_for_staff(request.user, pid)
    user = request.user
    version = _version(request)
    p = request.POST
    try:
        if action == "request_supplement":
            supplement_form = SupplementRequestForm(
                p, materials=[m.label for m in required_materials(application).items]
            )
            if not supplement_form.is_valid():
                form_error(request, supplement_form)
                return redirect("staff:case", pid=application.public_id)
            services.supplement_request(
                application=application,
                actor=user,
                items=supplement_form.all_items(),
                note=supplement_form.cleaned_data.get("note", ""),
                version=version,
            )
            messages.success(request, "已一次性告知申请人需补正的全部材料。")
        elif action == "accept":
            services.application_accept(application=application, actor=user, version=version)
            messages.success(request, "已受理。请安排技术评估。")
        elif action in {"refuse_acceptance", "refuse", "file"}:
            decision_form = ReasonedDecisionForm(p)
            if not decision_form.is_valid():
                form_error(request, decision_form)
                return redirect("staff:case", pid=application.public_id)
            reasons, basis = decision_form.cleaned_data.get("reasons", ""), decision_form.cleaned_data.get("basis", "")
            if action == "refuse_acceptance":
                services.application_refuse_acceptance(
                    application=application, actor=user, reasons=reasons, basis=basis, version=version
                )
                messages.success(request, "已作出不予受理决定。")
            elif action == "refuse":
                services.application_refuse(
                    application=application, actor=user, reasons=reasons, basis=basis, version=version
                )
                messages.success(request, "已作出不予备案决定。")
            else:
                checklist = [
                    {
                        "key": key[len("check_") :],
                        "checked": True,
                        "comment": p.get("comment_" + key[len("check_") :], ""),
                    }
                    for key in p
                    if key.startswith("check_")
                ]
                services.application_file(
                    application=application,
                    actor=user,
                    reasons=reasons,
                    basis=basis,
                    checklist=checklist,
                    version=version,
                )
                filed = getattr(application, "filing", None) or application.for_filing  # change / renewal: same code
                messages.success(request, f"已予以备案，备案编码 {filed.code if filed else ''}。")
        elif action == "assign_assessment":
            assign_form = AssignForm(p, experts=selectors.expert_choices())
            if not assign_form.is_valid():
                messages.error(request, "请选择评估方式和评审专家。")
            else:
                expert = selectors.expert_by_id(assign_form.cleaned_data["expert"])
                services.assessment_assign(
                    application=application,
                    actor=user,
                    method=assign_form.cleaned_data["method"],
                    expert=expert,
                    version=version,
                )
                messages.success(request, "已安排技术评估。")
        elif action == "forward":
            forward_form = ForwardForm(p)
            if not forward_form.is_valid():
                form_error(request, forward_form)
                return redirect("staff:case", pid=application.public_id)
            services.application_forward(
                application=application,
                actor=user,
                opinion=forward_form.cleaned_data.get("opinion", ""),
                version=version,
            )
            authority = cast("Authority", application.authority)  # set by application_forward
            messages.success(request, f"已审核通过并报送 {authority.name}。")
        elif action == "start_publicity":
            publicity_form = PublicityForm(p)
            if not publicity_form.is_valid():
                form_error(request, publicity_form)
            else:
                d = publicity_form.cleaned_data
                services.publicity_start(
                    application=application,
                    actor=user,
                    starts_on=d["starts_on"],
                    ends_on=d["ends_on"],
                    text=d["text"],
                    version=version,
                )
                messages.success(request, "已发布公示。")
        elif action == "close_publicity":
            services.publicity_close(application=application, actor=user, version=version)
            messages.success(request, "公示已结束。")
        else:
            raise Http404("未知的操作")
    except DomainError as exc:
        flash_error(request, exc)
    return redirect("staff:case", pid=application.public_id)


@login_required
def my_assessments(request: HttpRequest) -> HttpResponse:
    if not is_expert(request.user):
        raise Http404("页面不存在")
    import datetime as dt

    tasks: list[Any] = list(selectors.assessments_for_expert(request.user))
    clocks = clocks_for_cases([t.application for t in tasks])
    for t in tasks:
        # the nearest open statutory clock of the case: by when the authority must decide (issue 11)
        t.due_clock = next((c for c in sorted(clocks[t.application_id], key=_due_key) if c.is_open), None)
    # pending tasks first, the most urgent on top; submitted ones after, newest first
    pending = sorted(
        (t for t in tasks if t.submitted_at is None),
        key=lambda t: (t.due_clock.due if t.due_clock and t.due_clock.due else dt.date.max, t.assigned_at),
    )
    done = sorted((t for t in tasks if t.submitted_at is not None), key=lambda t: t.submitted_at, reverse=True)
    return render(request, "applications/expert_list.html", {"assessments": pending + done})


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_for_expert(request.user, pk)
    form = AssessmentOpinionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.assessment_submit(
                    assessment=assessment,
                    actor=request.user,
                    opinion=form.cleaned_data["opinion"],
                    recommendation=form.cleaned_data["recommendation"],
                )
            except DomainError as exc:
                flash_error(request, exc)
            else:
                messages.success(request, "评估意见已提交。")
                return redirect("staff:my_assessments")
        else:
            messages.error(request, "请填写评估意见并选择结论。")
    application = assessment.application
    return render(
        request,
        "applications/expert_assessment.html",
        {
            "assessment": assessment,
            "application": application,
            "form": form,
            "materials": selectors.current_materials(application),
            "scope": application.scope.select_related("occupation"),
        },
    )
