"""Writes for applicant units and filings. Each service runs in one transaction with its audit record."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from skillreg.audit.services import audit_record
from skillreg.core import clock
from skillreg.core.crypto import mask_phone
from skillreg.core.errors import ValidationFailed
from skillreg.core.sequences import next_value
from skillreg.core.validators import clean_phone, clean_uscc
from skillreg.regions.models import Region

from .models import ApplicantUnit, Filing, InstitutionKind
from .status import filing_history_start
from .validity import filing_validity, validity_end
from .versions import content_from_application, filing_version_create

__all__ = ["filing_code_allocate", "filing_create", "unit_register", "validity_end"]


def unit_register(
    *,
    name: str,
    uscc: str,
    region_code: str,
    address: str,
    contact_name: str,
    contact_phone: str,
    username: str,
    password: str,
    email: str = "",
) -> Any:
    """Register an applicant unit and its first institution user (CQ-9: online filing)."""
    errors: list[ValidationFailed] = []
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        errors.append(ValidationFailed("请选择所在地区", code="REGION_UNKNOWN", field="region"))
    for label, value, fieldname in [
        ("单位名称", name, "name"),
        ("单位地址", address, "address"),
        ("联系人", contact_name, "contact_name"),
    ]:
        if not (value or "").strip():
            errors.append(ValidationFailed(f"请填写{label}", code="REQUIRED", field=fieldname))
    try:
        uscc = clean_uscc(uscc, region_code=region_code if region else None)
        if ApplicantUnit.objects.filter(uscc=uscc).exists():
            errors.append(
                ValidationFailed("该统一社会信用代码已注册，请由本单位已有账号登录", code="USCC_TAKEN", field="uscc")
            )
    except ValidationFailed as exc:
        errors.append(exc)
    try:
        contact_phone = clean_phone(contact_phone, field="contact_phone")
    except ValidationFailed as exc:
        errors.append(exc)
    User = get_user_model()
    if not username or User.objects.filter(username=username).exists():
        errors.append(ValidationFailed("该用户名不可用，请换一个", code="USERNAME_TAKEN", field="username"))
    try:
        validate_password(password, User(username=username))
    except DjangoValidationError as exc:
        errors.append(ValidationFailed("；".join(exc.messages), code="PASSWORD_WEAK", field="password"))
    if errors or region is None:  # region is None only with an error recorded above
        raise ValidationFailed(
            "注册信息有误，请按提示修改", code="REGISTRATION_INVALID", errors=[e.as_dict() for e in errors]
        )
    try:
        with transaction.atomic():
            unit = ApplicantUnit.objects.create(
                name=name.strip(),
                uscc=uscc,
                region=region,
                address=address.strip(),
                contact_name=contact_name.strip(),
                contact_phone=mask_phone(contact_phone),
                created_at=clock.now(),
            )
            user = User(
                username=username, email=email, role="institution", unit=unit, display_name=contact_name.strip()
            )
            user.phone = contact_phone
            user.set_password(password)
            user.save()
            audit_record(
                actor=user,
                action="unit.register",
                obj=unit,
                summary=f"注册申报单位 {unit.name}",
                after={"name": unit.name, "uscc": unit.uscc, "region": region_code, "username": username},
            )
    except IntegrityError:
        raise ValidationFailed("该单位或用户名已被注册", code="REGISTRATION_CONFLICT") from None
    return user


def filing_code_allocate(*, kind: str, authority: Any) -> str:
    """National 13-character layout (see docs/decisions.md, "Filing codes"):
    letter (Y employer, S social organisation and school) + 4-digit institution code of the filing
    authority (0000 for a provincial authority) + 2-digit province + 6-digit per-province sequence."""
    letter = "Y" if kind == InstitutionKind.EMPLOYER else "S"
    region = authority.region
    inst = "0000" if region.level == "province" else region.code[2:6]
    province = region.code[:2]
    seq = next_value(f"filing-code-{province}")
    if seq > 999_999:
        raise ValidationFailed("本省备案编码序号已用尽", code="FILING_CODE_EXHAUSTED")
    return f"{letter}{inst}{province}{seq:06d}"


def filing_create(
    *, application: Any, authority: Any, actor: Any, copy_to_province: bool, decision: Any = None
) -> Filing:
    """Create the filing for an application being filed, with its first version and status history.

    Called inside the filing decision's transaction. Validity comes from the governing packs
    (``institutions.validity``)."""
    filed_on = clock.today()
    validity = filing_validity(application.region.code, filed_on)
    content = content_from_application(application)
    filing = Filing.objects.create(
        unit=application.unit,
        application=application,
        code=filing_code_allocate(kind=application.institution_kind, authority=authority),
        name=content.name,
        kind=content.kind,
        evaluation_types=content.evaluation_types,
        address=content.address,
        region=application.region,
        authority=authority,
        coverage=content.coverage,
        filed_on=filed_on,
        valid_from=filed_on,
        valid_to=validity_end(filed_on, validity.years),
        copied_to_province=copy_to_province,
    )
    filing_history_start(filing=filing, actor=actor, effective_on=filed_on, source="filing", rule="CQ-12")
    filing_version_create(
        filing=filing,
        content=content,
        effective_from=filed_on,
        valid_from=filing.valid_from,
        valid_to=filing.valid_to,
        actor=actor,
        change_kind="filing",
        application=application,
        decision=decision,
    )
    audit_record(
        actor=actor,
        action="filing.create",
        obj=filing,
        summary=f"备案 {filing.name}，备案编码 {filing.code}",
        after={
            "code": filing.code,
            "valid_from": filing.valid_from,
            "valid_to": filing.valid_to,
            "validity_basis": validity.basis,
        },
        rule="CQ-12",
    )
    return filing
