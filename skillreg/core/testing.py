"""Builders for tests, benchmarks and demo data: valid identifiers and complete applications
made through the real services (nothing here bypasses validation)."""

from __future__ import annotations

import io
import random
from typing import Any

from django.contrib.auth import get_user_model
from stdnum.cn import ric, uscc

from skillreg.accounts.models import Authority

# Smallest valid files of each accepted type, recognised by content sniffing.
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PASSWORD = "Skillreg#2026"  # noqa: S105 - test and demo accounts only


def make_uscc(division: str = "500238", seed: int | None = None) -> str:
    """A USCC with a valid check digit whose division part is ``division``."""
    rnd = random.Random(seed)  # noqa: S311 - test data, not secrets
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + division + "".join(rnd.choice(alphabet[:10]) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def make_id_number(division: str = "500238", birth: str = "19980101", seq: int = 123) -> str:
    body = f"{division}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # the function expects a check-digit placeholder


def upload(data: bytes, name: str) -> io.BytesIO:
    buf = io.BytesIO(data)
    buf.name = name
    return buf


def make_staff(username: str, authority_code: str, password: str = PASSWORD, **extra: Any) -> Any:
    User = get_user_model()
    user = User(username=username, role="staff", authority=Authority.objects.get(code=authority_code), **extra)
    user.set_password(password)
    user.save()
    return user


def make_admin(username: str, role: str, password: str = PASSWORD, **extra: Any) -> Any:
    """A user of a role without authority or unit: admin, security_admin, audit_admin, inspector."""
    User = get_user_model()
    user = User(username=username, role=role, display_name=extra.pop("display_name", username), **extra)
    user.is_staff = role == "admin"
    user.set_password(password)
    user.save()
    return user


def make_otp_device(user: Any, key: str | None = None) -> Any:
    """A confirmed TOTP device (django-otp) for ``user``; reuses an existing one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="测试", confirmed=True, **({"key": key} if key else {}))
    return device


def totp_code(device: Any, at: float | None = None) -> str:
    """The 6-digit code of a TOTP device at ``at`` (default now), as the authenticator app would show it."""
    import time

    from django_otp.oath import TOTP

    t = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    t.time = int(at if at is not None else time.time())
    return f"{t.token():0{device.digits}d}"


def make_expert(username: str, display_name: str = "", password: str = PASSWORD) -> Any:
    User = get_user_model()
    user = User(username=username, role="expert", display_name=display_name or username)
    user.set_password(password)
    user.save()
    return user


def make_institution_user(
    username: str,
    *,
    region_code: str = "500238",
    name: str = "",
    seed: int = 1,
    password: str = PASSWORD,
    contact_name: str = "张联系",
) -> Any:
    from skillreg.institutions.services import unit_register

    return unit_register(
        name=name or f"{username}职业技能培训学校",
        uscc=make_uscc(region_code, seed=seed),
        region_code=region_code,
        address="测试路1号",
        contact_name=contact_name,
        contact_phone="13800138000",
        username=username,
        password=password,
    )


# A county code per province for ID numbers of test people (any code of the GB/T 2260 table of any year is
# valid, whatever the birth year: see core.validators.clean_id_number).
ID_DIVISIONS = {"50": "500238", "34": "340403", "52": "520102"}


def id_division(region_code: str) -> str:
    return region_code if not region_code.endswith("00") else ID_DIVISIONS.get(region_code[:2], "110105")


def draft_payload(
    *,
    kind: str = "social_org",
    types: list[str] | None = None,
    occupations: list[tuple[str, list[int]]] | None = None,
    region_code: str = "500238",
    **data: Any,
) -> dict[str, Any]:
    from skillreg.applications.profile import DERIVED_FACTS
    from skillreg.policy.samples import full_profile

    occupations = occupations or [("4-10-01-05", [5, 4, 3])]
    # Every fact at a passing value (the policy samples), minus what the form's lists derive.
    sample = full_profile(region_code, kind)
    facts = {k: v for k, v in sample["facts"].items() if k not in DERIVED_FACTS}
    facts.update(data.pop("facts", {}))
    line_facts = sample["scope"][0]["facts"]
    level_facts = {
        k: v
        for k, v in sample["scope"][0]["level_facts"][0].items()
        if k not in ("level", "own_certified_examiners", "certified_examiners")
    }
    base = {
        "institution_kind": kind,
        "evaluation_types": types or ["skill_level"],
        "ownership": "local" if kind == "employer" else "",
        "coverage_area": "county" if kind == "social_org" else "",
        "applicant_name": "测试申报单位",
        "applicant_address": "测试路1号",
        "institution_name": "测试职业技能评价中心",
        "institution_address": "测试路1号2楼",
        "sponsor": "测试申报单位",
        "legal_rep_name": "王法人",
        "legal_rep_phone": "13800138001",
        "legal_rep_id_number": make_id_number(id_division(region_code), "19980505", 101),
        "head_name": "李负责",
        "head_phone": "13800138002",
        "head_id_number": make_id_number(id_division(region_code), "19990808", 202),
        "venue_description": "办公用房220平方米，理论考场1间（30座），技能考核场地300平方米。",
        "coverage_region": "本县",
        "coverage_industry": "养老服务业",
        "coverage_unit": "",
        "pledge_accepted": True,
    }
    base.update(data)
    people: list[dict[str, Any]] = [
        {"role": "finance", "name": "赵财务", "certificate_code": "KJ-001"},
        {"role": "finance", "name": "孙会计", "certificate_code": "KJ-002"},
        {"role": "manager", "name": "钱管理", "phone": "13800138003"},
        {"role": "technician", "name": "周技术"},
    ] + [{"role": "supervisor", "name": f"督导{i}"} for i in range(3)]
    for code, levels in occupations:
        people += [
            {
                "role": "examiner",
                "name": f"考评{code[-2:]}{i}",
                "occupation_code": code,
                "level": min(levels),
                "certificate_code": f"KP{code}{i}",
                "own_staff": True,
            }
            for i in range(5)
        ]
    return {
        "data": base,
        "people": people,
        "equipment": [{"name": "监控摄像机", "brand": "海康", "model": "DS-2CD", "quantity": 8, "ownership": "自有"}],
        "scope": [
            {
                "occupation_code": code,
                "levels": levels,
                "facts": {k: v for k, v in line_facts.items() if k not in ("examiners", "own_examiners")},
                "level_facts": [{"level": lv, **level_facts} for lv in levels],
            }
            for code, levels in occupations
        ],
        "facts": facts,
    }


def make_complete_draft(user: Any, *, skip_materials: tuple[str, ...] = (), **kwargs: Any) -> Any:
    """A draft with every field and every material of its list (CQ-8's six, …) except ``skip_materials``."""
    from skillreg.applications.materials import required_materials
    from skillreg.applications.services import application_save_draft, material_upload

    payload = draft_payload(**kwargs)
    application = application_save_draft(actor=user, **payload)
    for kind in required_materials(application).items:
        if kind.value in skip_materials:
            continue
        material_upload(
            application=application,
            actor=user,
            kind=kind.value,
            fileobj=upload(PNG_BYTES, f"{kind.value}.png"),
            name=f"{kind.label}.png",
        )
    return application
