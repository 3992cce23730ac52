"""Applicant side: saving drafts, uploading materials, submitting, completing a supplement."""

from __future__ import annotations

from typing import IO, Any

from django.db import transaction
from pydantic import ValidationError as PydanticValidationError

from skillreg.accounts.scope import is_institution
from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.crypto import mask_id_number, mask_phone
from skillreg.core.errors import TransitionNotAllowed, ValidationFailed
from skillreg.core.sequences import next_value
from skillreg.core.textlimits import check_length, column_limit, length_error
from skillreg.core.uploads import remove_stored, store_upload
from skillreg.core.validators import clean_id_number, clean_phone
from skillreg.institutions.models import EvaluationType, InstitutionKind
from skillreg.occupations.models import Occupation
from skillreg.policy.profile import InstitutionFacts, LevelFacts, OccupationFacts
from skillreg.regions.models import Region

from ..materials import required_materials
from ..models import (
    Application,
    CoverageArea,
    Equipment,
    Material,
    MaterialKind,
    Ownership,
    Person,
    ScopeLine,
    State,
)
from ..routing import RoutingError, route_for
from ._common import ensure_applicant, transition

EDITABLE_STATES = {State.DRAFT, State.SUPPLEMENT_REQUESTED}
SUPPLEMENT_NOTE_MAX = 2000  # SupplementRequest.response_note (a TextField): the applicant's note on the supplement
TEXT_FIELDS = {
    "applicant_name": ("申报单位名称", 200),
    "applicant_address": ("单位地址", 200),
    "institution_name": ("拟设评价机构名称", 200),
    "institution_address": ("机构地址", 200),
    "sponsor": ("举办单位", 200),
    "legal_rep_name": ("法定代表人姓名", 64),
    "head_name": ("机构主要负责人姓名", 64),
    "venue_description": ("场地情况", 5000),
    "coverage_region": ("鉴定范围：区域", 200),
    "coverage_industry": ("鉴定范围：行业", 200),
    "coverage_unit": ("鉴定范围：单位", 200),
}
PII_FIELDS = {
    "legal_rep_phone": ("法定代表人联系电话", "phone"),
    "legal_rep_id_number": ("法定代表人身份证号码", "id"),
    "head_phone": ("主要负责人联系电话", "phone"),
    "head_id_number": ("主要负责人身份证号码", "id"),
}


class _Errors:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, field: str, message: str, code: str = "INVALID") -> None:
        self.items.append({"field": field, "message": message, "code": code})

    def catch(self, exc: ValidationFailed, field: str) -> None:
        self.add(field, exc.message, exc.code)

    def fits(self, value: str, model: Any, column: str, field: str, label: str) -> str:
        """``value`` whole; an error entry (``TEXT_TOO_LONG``) when it exceeds ``model.column``'s length."""
        error = length_error(value, limit=column_limit(model, column), field=field, label=label)
        if error is not None:
            self.add(field, error["message"], error["code"])
        return value

    def raise_if_any(self, message: str = "填写内容有误，请按提示修改", code: str = "DRAFT_INVALID") -> None:
        if self.items:
            raise ValidationFailed(message, code=code, errors=self.items)


def _pii_value(current: str, posted: str | None, kind: str) -> str | None:
    """Blank or the masked form posted back means "unchanged"; returns None for unchanged."""
    if posted is None:
        return None
    posted = posted.strip()
    if posted == "" or (current and posted in {mask_phone(current), mask_id_number(current)}):
        return None
    return posted


def _pydantic_errors(errs: _Errors, exc: PydanticValidationError, prefix: str) -> None:
    for e in exc.errors():
        loc = ".".join(str(p) for p in e["loc"])
        errs.add(f"{prefix}.{loc}" if loc else prefix, f"{loc or prefix}：{e['msg']}", "FACT_INVALID")


def application_check_draft(
    *,
    actor: Any,
    data: dict[str, Any],
    people: list[dict[str, Any]],
    equipment: list[dict[str, Any]],
    scope: list[dict[str, Any]],
    facts: dict[str, Any],
    application: Application | None = None,
) -> None:
    """Every error a save of this draft would report, at once (``ValidationFailed`` with ``errors``); writes
    nothing. The form calls it when some fields are already wrong, so that the applicant sees every error in one
    round (issue 11)."""
    _validated_draft(
        actor=actor, data=data, people=people, equipment=equipment, scope=scope, facts=facts, application=application
    )


def _validated_draft(
    *,
    actor: Any,
    data: dict[str, Any],
    people: list[dict[str, Any]],
    equipment: list[dict[str, Any]],
    scope: list[dict[str, Any]],
    facts: dict[str, Any],
    application: Application | None,
) -> dict[str, Any]:
    if application is None:
        if not is_institution(actor) or not actor.unit_id:
            raise ValidationFailed("只有机构用户可以填写备案申请", code="NOT_APPLICANT")
    else:
        ensure_applicant(application, actor)
        if application.state not in EDITABLE_STATES:
            raise TransitionNotAllowed(
                f"申请当前状态为“{State(application.state).label}”，不能修改", code="NOT_EDITABLE"
            )
    errs = _Errors()
    clean: dict[str, Any] = {}
    for name, (label, maxlen) in TEXT_FIELDS.items():
        value = str(data.get(name) or "").strip()
        too_long = length_error(value, limit=maxlen, field=name, label=label)
        if too_long:
            errs.add(name, too_long["message"], too_long["code"])
        clean[name] = value
    kind = data.get("institution_kind") or ""
    if kind not in InstitutionKind.values:
        errs.add("institution_kind", "请选择机构类别")
    types = list(dict.fromkeys(data.get("evaluation_types") or []))
    if not types or any(t not in EvaluationType.values for t in types):
        errs.add("evaluation_types", "请选择至少一种评价类型")
    ownership = data.get("ownership") or ""
    if ownership and ownership not in Ownership.values:
        errs.add("ownership", "企业隶属选项不正确")
    coverage = data.get("coverage_area") or ""
    if coverage and coverage not in CoverageArea.values:
        errs.add("coverage_area", "评价区域范围选项不正确")
    region = actor.unit.region
    if data.get("region_code"):
        region = Region.objects.filter(code=data["region_code"]).first()
        if region is None:
            errs.add("region_code", "所在地区不正确")
    pii: dict[str, str] = {}
    for name, (_label, kind_) in PII_FIELDS.items():
        current = getattr(application, name, "") if application else ""
        posted = _pii_value(current, data.get(name), kind_)
        if posted is None:
            continue
        try:
            pii[name] = (
                clean_id_number(posted, field=name, today=clock.today())
                if kind_ == "id"
                else clean_phone(posted, field=name)
            )
        except ValidationFailed as exc:
            errs.catch(exc, name)
    try:
        InstitutionFacts(**(facts or {}))
    except PydanticValidationError as exc:
        _pydantic_errors(errs, exc, "facts")
    except TypeError:
        errs.add("facts", "条件事实格式不正确", "FACT_INVALID")

    codes = {p.get("occupation_code") for p in people if p.get("occupation_code")}
    codes |= {s.get("occupation_code") for s in scope}
    occupations = {o.code: o for o in Occupation.objects.filter(code__in=[c for c in codes if c])}
    # A phone shown masked and posted back unchanged keeps the stored number (rows are matched by name).
    known_phones = (
        {(p.name, mask_phone(p.phone)): p.phone for p in application.people.all() if p.phone} if application else {}
    )
    known_ids = (
        {(p.name, mask_id_number(p.id_number)): p.id_number for p in application.people.all() if p.id_number}
        if application
        else {}
    )
    person_rows = _clean_people(people, occupations, errs, known_phones, known_ids)
    equipment_rows = _clean_equipment(equipment, errs)
    scope_rows = _clean_scope(scope, occupations, types, errs)
    errs.raise_if_any()
    return {
        "clean": clean,
        "kind": kind,
        "types": types,
        "ownership": ownership,
        "coverage": coverage,
        "region": region,
        "pii": pii,
        "people": person_rows,
        "equipment": equipment_rows,
        "scope": scope_rows,
    }


def application_save_draft(
    *,
    actor: Any,
    data: dict[str, Any],
    people: list[dict[str, Any]],
    equipment: list[dict[str, Any]],
    scope: list[dict[str, Any]],
    facts: dict[str, Any],
    application: Application | None = None,
    public_id: Any = None,
) -> Application:
    """Create or replace a draft (or, during a supplement, the application being supplemented).

    Everything given is validated first; on any error nothing is written and every error is
    reported at once, each with its field.
    """
    if application is None and public_id is not None:
        # The same new-draft form posted twice saves one draft, not two.
        application = Application.objects.filter(public_id=public_id, unit_id=getattr(actor, "unit_id", None)).first()
    v = _validated_draft(
        actor=actor, data=data, people=people, equipment=equipment, scope=scope, facts=facts, application=application
    )
    clean, pii, kind, types = v["clean"], v["pii"], v["kind"], v["types"]
    ownership, coverage, region = v["ownership"], v["coverage"], v["region"]
    person_rows, equipment_rows, scope_rows = v["people"], v["equipment"], v["scope"]

    now = clock.now()
    with transaction.atomic():
        created = application is None
        if application is None:
            application = Application(unit=actor.unit, created_by=actor, created_at=now)
            if public_id is not None and not Application.objects.filter(public_id=public_id).exists():
                application.public_id = public_id
        else:
            application = Application.objects.select_for_update().get(pk=application.pk)
            if application.state not in EDITABLE_STATES:
                raise TransitionNotAllowed("申请状态已变化，不能修改", code="NOT_EDITABLE")
        for k, v in clean.items():
            setattr(application, k, v)
        for k, v in pii.items():
            setattr(application, k, v)
        application.institution_kind = kind
        application.evaluation_types = types
        application.ownership = ownership
        application.coverage_area = coverage
        application.region = region
        application.pledge_accepted = bool(data.get("pledge_accepted"))
        application.facts = {k: v for k, v in (facts or {}).items() if v is not None and v != "" and v != []}
        application.save()
        application.people.all().delete()
        application.equipment.all().delete()
        application.scope.all().delete()
        Person.objects.bulk_create([Person(application=application, **row) for row in person_rows])
        Equipment.objects.bulk_create([Equipment(application=application, **row) for row in equipment_rows])
        ScopeLine.objects.bulk_create([ScopeLine(application=application, **row) for row in scope_rows])
        audit_record(
            actor=actor,
            action="application.create_draft" if created else "application.update",
            obj=application,
            summary=f"{'新建' if created else '修改'}备案申请：{application.institution_name}",
            after={
                "fields": sorted(clean),
                "pii_changed": sorted(pii),
                "people": len(person_rows),
                "equipment": len(equipment_rows),
                "scope": [r["occupation"].code for r in scope_rows],
            },
        )
    return application


def _clean_people(
    people: list[dict[str, Any]],
    occupations: dict[str, Occupation],
    errs: _Errors,
    known_phones: dict[tuple[str, str], str] | None = None,
    known_ids: dict[tuple[str, str], str] | None = None,
) -> list[dict[str, Any]]:
    rows = []
    for i, p in enumerate(people):
        f = f"people[{i}]"
        role = p.get("role")
        name = str(p.get("name") or "").strip()
        if role not in Person.Role.values:
            errs.add(f"{f}.role", f"第 {i + 1} 名人员的类别不正确")
            continue
        if not name:
            errs.add(f"{f}.name", f"第 {i + 1} 名人员未填写姓名")
        who = f"第 {i + 1} 名人员的"
        row: dict[str, Any] = {
            "role": role,
            "name": errs.fits(name, Person, "name", f"{f}.name", who + "姓名"),
            "certificate_code": errs.fits(
                str(p.get("certificate_code") or "").strip(),
                Person,
                "certificate_code",
                f"{f}.certificate_code",
                who + "证书编码",
            ),
            "own_staff": bool(p.get("own_staff", True)),
            "full_time": bool(p.get("full_time", True)),
            "occupation": None,
            "level": None,
            "phone": "",
            "id_number": "",
        }
        known = (known_phones or {}).get((name, str(p.get("phone") or "").strip()))
        if known:
            row["phone"] = known
        elif p.get("phone"):
            try:
                row["phone"] = clean_phone(str(p["phone"]), field=f"{f}.phone")
            except ValidationFailed as exc:
                errs.catch(exc, f"{f}.phone")
        raw_id = str(p.get("id_number") or "").strip()
        known_id = (known_ids or {}).get((name, raw_id))
        if known_id:  # shown masked and posted back unchanged: the stored number stays
            row["id_number"] = known_id
        elif raw_id:
            try:
                row["id_number"] = clean_id_number(raw_id, field=f"{f}.id_number")
            except ValidationFailed as exc:
                errs.catch(exc, f"{f}.id_number")
        code = p.get("occupation_code")
        if code:
            if code not in occupations:
                errs.add(f"{f}.occupation_code", f"职业编码“{code}”不存在，请从职业目录中选择", "OCCUPATION_UNKNOWN")
            else:
                row["occupation"] = occupations[code]
        if p.get("level") not in (None, ""):
            try:
                level = int(p["level"])
            except (TypeError, ValueError):
                level = 0
            if level not in range(1, 6):
                errs.add(
                    f"{f}.level",
                    f"等级“{p['level']}”不正确，应为 1（一级/高级技师）至 5（五级/初级工）",
                    "LEVEL_INVALID",
                )
            else:
                row["level"] = level
        if role == Person.Role.EXAMINER and not row["certificate_code"]:
            errs.add(f"{f}.certificate_code", f"考评人员“{name}”未填写考评证书编码")
        if role == Person.Role.EXAMINER and not code:
            errs.add(f"{f}.occupation_code", f"考评人员“{name}”未填写职业")
        rows.append(row)
    return rows


def _clean_equipment(items: list[dict[str, Any]], errs: _Errors) -> list[dict[str, Any]]:
    rows = []
    for i, e in enumerate(items):
        f = f"equipment[{i}]"
        name = str(e.get("name") or "").strip()
        if not name:
            errs.add(f"{f}.name", f"第 {i + 1} 项设备未填写名称")
        try:
            qty = int(e.get("quantity") or 0)
        except (TypeError, ValueError):
            qty = 0
        if qty < 1:
            errs.add(f"{f}.quantity", f"设备“{name}”的数量应为正整数")
        ownership = str(e.get("ownership") or "").strip()
        if not ownership:
            errs.add(f"{f}.ownership", f"设备“{name}”未填写所有权归属")
        what = f"第 {i + 1} 项设备的"
        rows.append(
            {
                "name": errs.fits(name, Equipment, "name", f"{f}.name", what + "名称"),
                "brand": errs.fits(str(e.get("brand") or "").strip(), Equipment, "brand", f"{f}.brand", what + "品牌"),
                "model": errs.fits(
                    str(e.get("model") or "").strip(), Equipment, "model", f"{f}.model", what + "规格/型号"
                ),
                "quantity": max(qty, 0),
                "ownership": errs.fits(ownership, Equipment, "ownership", f"{f}.ownership", what + "所有权归属"),
            }
        )
    return rows


def _clean_scope(
    scope: list[dict[str, Any]], occupations: dict[str, Occupation], types: list[str], errs: _Errors
) -> list[dict[str, Any]]:
    rows = []
    seen: set[tuple[str, str]] = set()
    for i, s in enumerate(scope):
        f = f"scope[{i}]"
        code = s.get("occupation_code") or ""
        occ = occupations.get(code)
        if occ is None:
            errs.add(f"{f}.occupation_code", f"职业编码“{code}”不存在，请从职业目录中选择", "OCCUPATION_UNKNOWN")
            continue
        etype = s.get("evaluation_type") or (types[0] if len(types) == 1 else "")
        if etype not in types:
            errs.add(f"{f}.evaluation_type", f"职业“{occ.name}”的评价类型不在所选评价类型中")
        raw_levels = s.get("levels") or []
        levels: list[int] = []
        for lv in raw_levels:
            try:
                n = int(lv)
            except (TypeError, ValueError):
                n = 0
            if n not in range(1, 6):
                errs.add(f"{f}.levels", f"职业“{occ.name}”的等级“{lv}”不正确，应为 1 至 5", "LEVEL_INVALID")
            elif occ.levels and n not in occ.levels:
                errs.add(f"{f}.levels", f"职业“{occ.name}”的国家职业标准未设等级 {n}", "LEVEL_NOT_IN_STANDARD")
            else:
                levels.append(n)
        if etype != EvaluationType.SPECIAL_ABILITY and not raw_levels:
            errs.add(f"{f}.levels", f"职业“{occ.name}”未选择等级")
        if (etype, code) in seen:
            errs.add(f"{f}.occupation_code", f"职业“{occ.name}”重复")
        seen.add((etype, code))
        line_facts = s.get("facts") or {}
        level_facts = s.get("level_facts") or []
        try:
            OccupationFacts(**line_facts)
            for lf in level_facts:
                LevelFacts(**lf)
        except PydanticValidationError as exc:
            _pydantic_errors(errs, exc, f"{f}.facts")
        rows.append(
            {
                "occupation": occ,
                "levels": sorted(set(levels), reverse=True),
                "evaluation_type": etype or "skill_level",
                "facts": {"facts": line_facts, "level_facts": level_facts},
            }
        )
    return rows


def material_upload(*, application: Application, actor: Any, kind: str, fileobj: IO[bytes], name: str) -> Material:
    """Store one material of the application's list (CQ-8, GZ-11 …). A new upload of the same kind supersedes
    the previous one."""
    ensure_applicant(application, actor)
    if application.state not in EDITABLE_STATES:
        raise TransitionNotAllowed("当前状态不能上传材料", code="NOT_EDITABLE")
    listed = required_materials(application)
    if kind not in MaterialKind.values or kind not in listed.codes:
        raise ValidationFailed("请选择本申请所需的材料类别", code="MATERIAL_KIND_INVALID", field="kind")
    stored = store_upload(fileobj, name, subdir=f"materials/{application.public_id.hex[:2]}")
    try:
        with transaction.atomic():
            Material.objects.filter(application=application, kind=kind, superseded=False).update(superseded=True)
            material = Material.objects.create(
                application=application,
                kind=kind,
                original_name=stored.original_name,
                storage_name=stored.storage_name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                uploaded_at=clock.now(),
                uploaded_by=actor,
            )
            audit_record(
                actor=actor,
                action="application.material_upload",
                obj=application,
                summary=f"上传材料：{listed.label_of(kind)}",
                after={"kind": kind, "name": stored.original_name, "sha256": stored.sha256, "size": stored.size},
            )
    except BaseException:
        remove_stored(stored.storage_name)
        raise
    return material


def missing_items(application: Application) -> list[dict[str, str]]:
    """Everything that keeps an application from being complete, all at once (CQ-10)."""
    out: list[dict[str, str]] = []

    def need(field: str, message: str) -> None:
        out.append({"field": field, "message": message})

    for name in [
        "applicant_name",
        "applicant_address",
        "institution_name",
        "institution_address",
        "legal_rep_name",
        "head_name",
    ]:
        if not getattr(application, name):
            need(name, f"未填写{TEXT_FIELDS[name][0]}")
    for name, (label, _k) in PII_FIELDS.items():
        if not getattr(application, name):
            need(name, f"未填写{label}")
    if not application.institution_kind:
        need("institution_kind", "未选择机构类别")
    if not application.evaluation_types:
        need("evaluation_types", "未选择评价类型")
    if application.institution_kind == InstitutionKind.EMPLOYER and not application.ownership:
        need("ownership", "未选择企业隶属（用于确定备案机关）")
    if application.institution_kind == InstitutionKind.SOCIAL_ORG and not application.coverage_area:
        need("coverage_area", "未选择评价区域范围（用于确定备案机关）")
    if not (application.coverage_region or application.coverage_industry or application.coverage_unit):
        need("coverage", "未填写鉴定范围（区域、行业或单位）")
    if not application.scope.exists():
        need("scope", "未填写拟鉴定职业（工种）等级")
    people = list(application.people.all())
    if not any(p.role == Person.Role.EXAMINER for p in people):
        need("people", "未填写考评人员")
    if not any(p.role == Person.Role.FINANCE for p in people):
        need("people", "未填写财务人员")
    if not any(p.role in (Person.Role.MANAGER, Person.Role.TECHNICIAN) for p in people):
        need("people", "未填写管理人员、技术人员")
    if not application.venue_description:
        need("venue_description", "未填写场地情况")
    if not application.equipment.exists():
        need("equipment", "未填写设施设备情况")
    have = set(application.materials.filter(superseded=False).values_list("kind", flat=True))
    for item in required_materials(application).required:
        if item.value not in have:
            need(f"material.{item.value}", f"未上传材料：{item.label}")
    if not application.pledge_accepted:
        need("pledge_accepted", "未勾选备案人承诺")
    return out


def _route_fields(application: Application) -> dict[str, Any]:
    from skillreg.accounts.models import Authority

    levels = sorted({lv for line in application.scope.all() for lv in line.levels})
    try:
        route = route_for(
            region_code=application.region.code,
            region_level=application.region.level,
            kind=application.institution_kind,
            evaluation_types=list(application.evaluation_types),
            ownership=application.ownership,
            coverage_area=application.coverage_area,
            levels=levels,
        )
    except RoutingError as exc:
        raise ValidationFailed(str(exc), code="ROUTING_FAILED") from None
    authorities = {a.code: a for a in Authority.objects.filter(code__in=[s.authority for s in route.steps])}
    missing = [s.authority for s in route.steps if s.authority not in authorities]
    if missing:
        raise ValidationFailed(f"受理机关未配置：{'、'.join(missing)}，请联系系统管理员", code="AUTHORITY_MISSING")
    steps = [
        {
            "authority": s.authority,
            "authority_name": authorities[s.authority].name,
            "role": s.role,
            "label": s.label,
            "rule": s.rule,
        }
        for s in route.steps
    ]
    meta = {
        "copy_to": list(route.copy_to),
        "copy_rule": route.copy_rule,
        "publicity_required": route.publicity_required,
    }
    return {"route": {"steps": steps, **meta}, "route_step": 0, "authority": authorities[route.steps[0].authority]}


def application_submit(
    *,
    application: Application,
    actor: Any,
    version: int | None = None,
    accept_missing_materials: bool = False,
    lifecycle: bool = False,
) -> Application:
    """Submit a draft (CQ-9). Every missing item is listed at once and nothing changes — except that an
    applicant may knowingly submit with materials missing: judging completeness and asking for
    the supplement is the authority's (CQ-10), so missing *materials* never block a submission the
    applicant confirms. Missing form fields (routing, identity, the pledge) always block."""
    ensure_applicant(application, actor)
    if application.for_filing_id and not lifecycle:  # change / renewal: services.lifecycle.lifecycle_submit
        raise TransitionNotAllowed("变更或延续申请请在备案信息页提交", code="USE_LIFECYCLE_SUBMIT")
    missing = missing_items(application)
    blocking = [m for m in missing if not m["field"].startswith("material.")]
    if blocking or (missing and not accept_missing_materials):
        raise ValidationFailed(
            f"申请材料不完整，共 {len(missing)} 项需补充",
            code="APPLICATION_INCOMPLETE",
            missing=missing,
            only_materials_missing=not blocking,
        )
    missing_materials = [m["message"] for m in missing]
    with transaction.atomic():
        now = clock.now()
        updates = _route_fields(application)
        number = f"BA{application.region.code[:2]}{clock.today():%Y}{next_value('application-number'):07d}"
        updates.update({"number": application.number or number, "submitted_at": now, "received_at": now})
        transition(
            application,
            "submit",
            actor=actor,
            version=version,
            updates=updates,
            data={
                "missing_materials": missing_materials,
                "authority": updates["authority"].code,
                "route": [s["authority"] for s in updates["route"]["steps"]],
            },
        )
    return application


def supplement_complete(
    *, application: Application, actor: Any, note: str = "", version: int | None = None
) -> Application:
    """The applicant completes the supplement. The day it is complete counts as the day of receipt (CQ-10)."""
    ensure_applicant(application, actor)
    note = check_length((note or "").strip(), limit=SUPPLEMENT_NOTE_MAX, field="note", label="补正说明")
    missing = missing_items(application)
    if missing:
        raise ValidationFailed(
            f"补正后材料仍不完整，共 {len(missing)} 项", code="APPLICATION_INCOMPLETE", missing=missing
        )
    with transaction.atomic():
        now = clock.now()
        req = application.supplement_requests.filter(completed_at__isnull=True).first()
        if req is not None:
            req.completed_at = now
            req.response_note = note
            req.save(update_fields=["completed_at", "response_note"])
        transition(application, "resubmit", actor=actor, version=version, reason=note, updates={"received_at": now})
    return application
