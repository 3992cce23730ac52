"""Institution users: their applications, the filing form, materials, submission, supplement."""

from __future__ import annotations

import re
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
    RowsFormSet,
    ScopeFormSet,
    SubmitForm,
    SupplementCompleteForm,
)
from .law import case_law
from .materials import required_materials
from .models import Application, State
from .services.drafts import EDITABLE_STATES, application_check_draft, missing_items
from .views_common import flash_error, form_error
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
            "id_number": mask_id_number(p.id_number) if p.id_number else "",
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
    # Yes/no facts are a select of "true"/"false": a stored True must preselect "是" (str(True) is "True").
    facts_initial = {k: ("true" if v else "false") if isinstance(v, bool) else v for k, v in (a.facts or {}).items()}
    return {"initial": initial, "people": people, "equipment": equipment, "scope": scope, "facts": facts_initial}


def _registration_regions(application: Application | None) -> list[tuple[str, str]]:
    """The documents of this application's region that each ask "registered in my region" (issue 11)."""
    if application is None or not application.institution_kind:
        return []
    from skillreg.policy.errors import PolicyError
    from skillreg.policy.samples import registration_regions

    try:
        return registration_regions(application.region.code, application.institution_kind, clock.today())
    except PolicyError:
        return []


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


def _attach_errors(
    exc: DomainError, form: Any, facts: Any, rows: dict[str, tuple[Any, list[tuple[int, dict[str, Any]]]]]
) -> int:
    """Put each of a service's errors next to its field: ``people[2].phone`` on the phone of the row shown
    third, ``facts.office_area_m2`` on that fact, the rest on the form. Returns how many were attached."""
    items = exc.details.get("errors") or [exc.as_dict()]
    for item in items:
        field = str(item.get("field") or "")
        message = item.get("message", exc.message)
        m = re.match(r"^(people|equipment|scope)\[(\d+)\](?:\.(.+))?$", field)
        if m and m.group(1) in rows:
            formset, shown = rows[m.group(1)]
            j = int(m.group(2))
            row_form = formset.forms[shown[j][0]] if j < len(shown) else None
            if row_form is not None:
                name = (m.group(3) or "").split(".")[-1]
                row_form.add_error(name if name in row_form.fields else None, message)
                continue
        if field.startswith("facts.") and field[6:].split(".")[0] in facts.fields:
            facts.add_error(field[6:].split(".")[0], message)
            continue
        form.add_error(field if field in form.fields else None, message)
    return len(items)


def _error_count(*parts: Any) -> int:
    n = 0
    for part in parts:
        if hasattr(part, "forms"):
            n += sum(len(f.errors.get(name, [])) for f in part.forms for name in f.errors) + len(part.non_form_errors())
        else:
            n += sum(len(v) for v in part.errors.values())
    return n


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
        facts = FactsForm(
            request.POST,
            prefix="facts",
            relevant=_relevant_facts(application),
            registration_regions=_registration_regions(application),
        )
        token = request.POST.get("draft_token", "")
        forms_valid = all([x.is_valid() for x in (form, people, equipment, scope, facts)])  # every part, not lazily
        parts = (("people", people), ("equipment", equipment), ("scope", scope))
        rows = {name: (fs, cast(RowsFormSet, fs).rows()) for name, fs in parts}
        try:
            public_id = uuid.UUID(token) if token and application is None else None
        except ValueError:
            public_id = None
        try:
            # When a field is already wrong, the service still checks the rest (validate_only) so that every
            # error is shown at once, not in rounds.
            payload: dict[str, Any] = {
                "actor": request.user,
                "application": application,
                "data": {**getattr(form, "cleaned_data", {}), "region_code": None},
                "people": [r for _i, r in rows["people"][1]],
                "equipment": [r for _i, r in rows["equipment"][1]],
                "scope": _scope_payload([r for _i, r in rows["scope"][1]]),
                "facts": facts.facts(),
            }
            if forms_valid:
                saved = services.application_save_draft(public_id=public_id, **payload)
            else:
                application_check_draft(**payload)
        except DomainError as exc:
            _attach_errors(exc, form, facts, rows)
        else:
            if forms_valid:
                messages.success(request, "已保存。")
                if "save_continue" in request.POST:
                    return redirect("apply:edit", pid=saved.public_id)
                return redirect("apply:detail", pid=saved.public_id)
    else:
        form = ApplicationForm(initial=init["initial"])
        people = PersonFormSet(initial=init["people"], prefix="people")
        equipment = EquipmentFormSet(initial=init["equipment"], prefix="equipment")
        scope = ScopeFormSet(initial=init["scope"], prefix="scope")
        facts = FactsForm(
            initial=init["facts"],
            prefix="facts",
            relevant=_relevant_facts(application),
            registration_regions=_registration_regions(application),
        )
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
            "error_count": _error_count(form, people, equipment, scope, facts) if request.method == "POST" else 0,
        },
    )


@login_required
def application_detail(request: HttpRequest, pid: Any) -> HttpResponse:
    _institution_only(request)
    application = selectors.application_for_applicant(request.user, pid)
    missing = missing_items(application) if application.state in EDITABLE_STATES else []
    listed = required_materials(application)
    return render(
        request,
        "applications/applicant_detail.html",
        {
            "application": application,
            "materials": selectors.current_materials(application),
            "material_kinds": listed.items,
            "material_basis": listed.basis,
            "upload_form": MaterialUploadForm(kinds=[(m.value, m.label) for m in listed.items]),
            "missing": missing,
            "only_materials_missing": bool(missing) and all(m["field"].startswith("material.") for m in missing),
            "editable": application.state in EDITABLE_STATES,
            "actions": [t.action for t in allowed_actions(application.state, "applicant")],
            "supplement": application.supplement_requests.first(),
            "events": application.events.select_related("actor").all(),
            "filing": getattr(application, "filing", None) if application.state == State.FILED else None,
            "decisions": application.decisions.all(),
            "law": case_law(application.region.code).as_context(),
        },
    )


@login_required
@require_POST
def material_upload(request: HttpRequest, pid: Any) -> HttpResponse:
    _institution_only(request)
    application = selectors.application_for_applicant(request.user, pid)
    listed = required_materials(application)
    form = MaterialUploadForm(request.POST, request.FILES, kinds=[(m.value, m.label) for m in listed.items])
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
            messages.success(request, f"已上传：{listed.label_of(form.cleaned_data['kind'])}")
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
            if not note_form.is_valid():
                # A note too long is refused with its reason, never stored empty (issue 11).
                form_error(request, note_form)
                return redirect("apply:detail", pid=application.public_id)
            note = note_form.cleaned_data.get("note", "")
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
    reason = request.POST.get("reason", "")
    if len(reason) > 2000:
        messages.error(request, f"撤回原因不能超过 2000 个字（当前 {len(reason)} 个字）。")
        return redirect("apply:detail", pid=application.public_id)
    try:
        services.application_withdraw(
            application=application,
            actor=request.user,
            reason=reason,
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
