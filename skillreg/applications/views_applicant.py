"""Institution users: their applications, the filing form, materials, submission, supplement."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from skillreg.accounts.scope import is_institution
from skillreg.core import clock
from skillreg.core.crypto import mask_id_number, mask_phone
from skillreg.core.errors import DomainError

from . import selectors, services
from .eligibility import evaluate_application
from .forms import (
    LEVEL_FACT_NAMES,
    LINE_FACTS,
    ApplicationForm,
    EquipmentFormSet,
    FactsForm,
    MaterialUploadForm,
    PersonFormSet,
    ScopeFormSet,
    SubmitForm,
    SupplementCompleteForm,
)
from .models import Application, MaterialKind, State
from .services.drafts import EDITABLE_STATES, missing_items
from .views_common import flash_error, form_errors_from
from .workflow import allowed_actions

if TYPE_CHECKING:
    from skillreg.accounts.models import Authority


def _institution_only(request: HttpRequest) -> None:
    from django.http import Http404

    if not is_institution(request.user):
        raise Http404("页面不存在")


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    _institution_only(request)
    apps = selectors.applications_for_applicant(request.user)
    return render(request, "applications/applicant_list.html", {"applications": apps})


def _initial(application: Application | None) -> dict[str, Any]:
    if application is None:
        return {"initial": {}, "people": [], "equipment": [], "scope": [], "facts": {}}
    a = application
    initial = {f: getattr(a, f) for f in ApplicationForm.base_fields if hasattr(a, f)}
    initial["legal_rep_phone"] = mask_phone(a.legal_rep_phone) if a.legal_rep_phone else ""
    initial["head_phone"] = mask_phone(a.head_phone) if a.head_phone else ""
    initial["legal_rep_id_number"] = mask_id_number(a.legal_rep_id_number) if a.legal_rep_id_number else ""
    initial["head_id_number"] = mask_id_number(a.head_id_number) if a.head_id_number else ""
    people = [
        {
            "role": p.role,
            "name": p.name,
            "phone": mask_phone(p.phone) if p.phone else "",
            "occupation_code": p.occupation.code if p.occupation else "",
            "level": p.level or "",
            "certificate_code": p.certificate_code,
            "own_staff": p.own_staff,
        }
        for p in a.people.select_related("occupation")
    ]
    equipment = [
        {"name": e.name, "brand": e.brand, "model": e.model, "quantity": e.quantity, "ownership": e.ownership}
        for e in a.equipment.all()
    ]
    scope = []
    for line in a.scope.select_related("occupation"):
        row: dict[str, Any] = {
            "occupation_code": line.occupation.code,
            "evaluation_type": line.evaluation_type,
            "levels": [str(x) for x in line.levels],
        }
        facts = (line.facts or {}).get("facts", {})
        lfs = (line.facts or {}).get("level_facts", [])
        for name, _label in LINE_FACTS:
            if name in LEVEL_FACT_NAMES:
                values = [lf.get(name) for lf in lfs if lf.get(name) is not None]
                row[name] = min(values) if values else None
            else:
                row[name] = facts.get(name)
        scope.append(row)
    return {"initial": initial, "people": people, "equipment": equipment, "scope": scope, "facts": dict(a.facts or {})}


def _relevant_facts(application: Application | None) -> set[str] | None:
    """The facts the packs governing this application use; all facts until the kind is known.
    Facts already answered stay on the form so that nothing typed is ever dropped."""
    if application is None or not application.institution_kind:
        return None
    from skillreg.policy.errors import PolicyError
    from skillreg.policy.samples import used_facts

    try:
        used = used_facts(application.region.code, application.institution_kind, clock.today())
    except PolicyError:
        return None
    return used | set(application.facts or {})


def _rows(formset: Any) -> list[dict[str, Any]]:
    return [
        f.cleaned_data
        for f in formset.forms
        if f.cleaned_data and any(v not in (None, "", [], False) for k, v in f.cleaned_data.items() if k != "own_staff")
    ]


def _scope_payload(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        levels = [int(x) for x in r.get("levels") or []]
        facts = {n: r[n] for n, _l in LINE_FACTS if n not in LEVEL_FACT_NAMES and r.get(n) is not None}
        level_facts = (
            [{"level": lv, **{n: r[n] for n in LEVEL_FACT_NAMES if r.get(n) is not None}} for lv in levels]
            if any(r.get(n) is not None for n in LEVEL_FACT_NAMES)
            else []
        )
        out.append(
            {
                "occupation_code": r.get("occupation_code") or "",
                "evaluation_type": r.get("evaluation_type") or "",
                "levels": levels,
                "facts": facts,
                "level_facts": level_facts,
            }
        )
    return out


@login_required
def application_edit(request: HttpRequest, pid: Any = None) -> HttpResponse:
    _institution_only(request)
    application = selectors.application_for_applicant(request.user, pid) if pid else None
    if application is not None and application.state not in EDITABLE_STATES:
        messages.error(request, f"申请当前状态为“{application.get_state_display()}”，不能修改。")
        return redirect("apply:detail", pid=application.public_id)
    init = _initial(application)
    if request.method == "POST":
        form = ApplicationForm(request.POST)
        people = PersonFormSet(request.POST, prefix="people")
        equipment = EquipmentFormSet(request.POST, prefix="equipment")
        scope = ScopeFormSet(request.POST, prefix="scope")
        facts = FactsForm(request.POST, prefix="facts", relevant=_relevant_facts(application))
        token = request.POST.get("draft_token", "")
        if all(x.is_valid() for x in (form, people, equipment, scope, facts)):
            try:
                public_id = uuid.UUID(token) if token and application is None else None
            except ValueError:
                public_id = None
            try:
                saved = services.application_save_draft(
                    actor=request.user,
                    application=application,
                    public_id=public_id,
                    data={**form.cleaned_data, "region_code": None},
                    people=_rows(people),
                    equipment=_rows(equipment),
                    scope=_scope_payload(_rows(scope)),
                    facts=facts.facts(),
                )
            except DomainError as exc:
                form_errors_from(form, exc)
                messages.error(request, exc.message)
            else:
                messages.success(request, "已保存。")
                if "save_continue" in request.POST:
                    return redirect("apply:edit", pid=saved.public_id)
                return redirect("apply:detail", pid=saved.public_id)
        else:
            messages.error(request, "填写内容有误，请按提示修改。")
    else:
        form = ApplicationForm(initial=init["initial"])
        people = PersonFormSet(initial=init["people"], prefix="people")
        equipment = EquipmentFormSet(initial=init["equipment"], prefix="equipment")
        scope = ScopeFormSet(initial=init["scope"], prefix="scope")
        facts = FactsForm(initial=init["facts"], prefix="facts", relevant=_relevant_facts(application))
        token = str(uuid.uuid4())
    return render(
        request,
        "applications/applicant_edit.html",
        {
            "application": application,
            "form": form,
            "people": people,
            "equipment": equipment,
            "scope": scope,
            "facts": facts,
            "draft_token": token,
        },
    )


@login_required
def application_detail(request: HttpRequest, pid: Any) -> HttpResponse:
    _institution_only(request)
    application = selectors.application_for_applicant(request.user, pid)
    missing = missing_items(application) if application.state in EDITABLE_STATES else []
    return render(
        request,
        "applications/applicant_detail.html",
        {
            "application": application,
            "materials": selectors.current_materials(application),
            "material_kinds": MaterialKind,
            "upload_form": MaterialUploadForm(),
            "missing": missing,
            "only_materials_missing": bool(missing) and all(m["field"].startswith("material.") for m in missing),
            "editable": application.state in EDITABLE_STATES,
            "actions": [t.action for t in allowed_actions(application.state, "applicant")],
            "supplement": application.supplement_requests.first(),
            "events": application.events.select_related("actor").all(),
            "filing": getattr(application, "filing", None) if application.state == State.FILED else None,
            "decisions": application.decisions.all(),
        },
    )


@login_required
@require_POST
def material_upload(request: HttpRequest, pid: Any) -> HttpResponse:
    _institution_only(request)
    application = selectors.application_for_applicant(request.user, pid)
    form = MaterialUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择材料类别和文件。")
    else:
        f = form.cleaned_data["file"]
        try:
            services.material_upload(
                application=application, actor=request.user, kind=form.cleaned_data["kind"], fileobj=f, name=f.name
            )
        except DomainError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, f"已上传：{MaterialKind(form.cleaned_data['kind']).label}")
    return redirect("apply:detail", pid=application.public_id)


@login_required
@require_POST
def application_submit(request: HttpRequest, pid: Any) -> HttpResponse:
    _institution_only(request)
    application = selectors.application_for_applicant(request.user, pid)
    form = SubmitForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        if application.state == State.SUPPLEMENT_REQUESTED:
            note_form = SupplementCompleteForm(request.POST)
            note = note_form.cleaned_data.get("note", "") if note_form.is_valid() else ""
            services.supplement_complete(application=application, actor=request.user, note=note, version=version)
            messages.success(request, "补正材料已提交，受理期限自补正完毕之日重新起算。")
        else:
            services.application_submit(
                application=application,
                actor=request.user,
                version=version,
                accept_missing_materials=request.POST.get("accept_missing_materials") == "1",
            )
            authority = cast("Authority", application.authority)  # set by application_submit
            messages.success(request, f"申请已提交，申请编号 {application.number}，受理机关：{authority.name}。")
    except DomainError as exc:
        flash_error(request, exc)
    return redirect("apply:detail", pid=application.public_id)


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pid: Any) -> HttpResponse:
    _institution_only(request)
    application = selectors.application_for_applicant(request.user, pid)
    form = SubmitForm(request.POST)
    try:
        services.application_withdraw(
            application=application,
            actor=request.user,
            reason=request.POST.get("reason", "")[:2000],
            version=form.cleaned_data["version"] if form.is_valid() else None,
        )
        messages.success(request, "申请已撤回。")
    except DomainError as exc:
        flash_error(request, exc)
    return redirect("apply:detail", pid=application.public_id)


@login_required
def application_self_check(request: HttpRequest, pid: Any) -> HttpResponse:
    """Self-check before submission: every condition of the packs that govern this application,
    unmet ones first, each with its citation (issue 3, item 6)."""
    _institution_only(request)
    application = selectors.application_for_applicant(request.user, pid)
    try:
        record = evaluate_application(application)
        error = ""
    except DomainError as exc:
        record, error = None, exc.message
    order = {"fail": 0, "missing": 1, "needs_review": 2, "pass": 3}
    results = sorted(record["results"], key=lambda r: order.get(r["outcome"], 9)) if record else []
    return render(
        request,
        "applications/self_check.html",
        {"application": application, "record": record, "results": results, "error": error},
    )
