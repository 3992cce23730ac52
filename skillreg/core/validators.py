"""Identifier checks for Chinese registers, on python-stdnum. Each failure is a Chinese message.

ID numbers (GB 11643) are *not* checked with ``stdnum.cn.ric.validate``: it refuses an address code that did not
exist in the holder's birth year, yet the address code is the place of registration, which can postdate the birth
(every Chongqing 50xxxx code dates from 1997, and 500238199001011238 is a valid number). See ``clean_id_number``.
"""

from __future__ import annotations

import datetime as dt
import re

from stdnum import exceptions as stdnum_exc
from stdnum import numdb
from stdnum.cn import ric, uscc

from .errors import ValidationFailed

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def clean_uscc(value: str, *, field: str = "uscc", region_code: str | None = None) -> str:
    """Validate a 统一社会信用代码 (GB 32100-2015): format, check digit, and — when a region is given —
    that its administrative-division part (characters 3–8) lies in that region's province."""
    raw = (value or "").strip().upper()
    try:
        code = uscc.validate(raw)
    except stdnum_exc.InvalidLength:
        raise ValidationFailed("统一社会信用代码应为18位", code="USCC_INVALID_LENGTH", field=field) from None
    except stdnum_exc.InvalidChecksum:
        raise ValidationFailed(
            "统一社会信用代码校验位错误，请核对", code="USCC_INVALID_CHECKSUM", field=field
        ) from None
    except stdnum_exc.ValidationError:
        raise ValidationFailed("统一社会信用代码格式不正确", code="USCC_INVALID_FORMAT", field=field) from None
    division = code[2:8]
    if not division.isdigit():
        raise ValidationFailed(
            "统一社会信用代码中的登记管理机关行政区划码不正确", code="USCC_INVALID_DIVISION", field=field
        )
    if region_code and division[:2] != region_code[:2] and division[:2] != "10":
        # "10…" is the national registration authority prefix (e.g. central enterprises).
        raise ValidationFailed(
            f"统一社会信用代码的登记地（{division}）与所选所在地区（{region_code}）不在同一省份",
            code="USCC_REGION_MISMATCH",
            field=field,
        )
    return code


def division_ever_existed(code: str) -> bool:
    """True when ``code`` is a county-level code of the GB/T 2260 table of any year (python-stdnum's historical
    table, which carries every code since 1980 with the years it was in use) — whatever the years."""
    if len(code) != 6 or not code.isdigit():
        return False
    parts = numdb.get("cn/loc").info(code)
    return len(parts) == 2 and bool(parts[1][1].get("county"))


def clean_id_number(value: str, *, field: str = "id_number", today: dt.date | None = None) -> str:
    """Validate an 18-digit 居民身份证号码 (GB 11643-1999): 17 digits and the check digit, a real birth date not
    in the future (age ≤ 120), and an address code that exists in the GB/T 2260 table of *any* year.

    Never the birth-year rule of ``stdnum.cn.ric``: the address code is where the number was registered, which
    may be a division created after the birth (500238199001011238, Wuxi County, Chongqing, is valid)."""
    raw = re.sub(r"\s", "", value or "").upper()
    if re.fullmatch(r"\d(\.\d+)?E\+\d+", raw):
        raise ValidationFailed(
            "身份证号码被表格软件转成了科学计数法，请将该列设置为文本后重新填写",
            code="ID_SCIENTIFIC_NOTATION",
            field=field,
        )
    if len(raw) != 18:
        raise ValidationFailed("身份证号码应为18位", code="ID_INVALID_LENGTH", field=field)
    if not raw[:17].isdigit() or not (raw[17].isdigit() or raw[17] == "X"):
        raise ValidationFailed(
            "身份证号码格式不正确（前17位为数字，末位为数字或X）", code="ID_INVALID_FORMAT", field=field
        )
    if raw[-1] != ric.calc_check_digit(raw):
        raise ValidationFailed("身份证号码校验位错误，请核对", code="ID_INVALID_CHECKSUM", field=field)
    try:
        birth = dt.date(int(raw[6:10]), int(raw[10:12]), int(raw[12:14]))
    except ValueError:
        raise ValidationFailed("身份证号码中的出生日期不正确", code="ID_INVALID_BIRTH_DATE", field=field) from None
    today = today or dt.date.today()
    if birth > today:
        raise ValidationFailed("身份证号码中的出生日期晚于今天", code="ID_BIRTH_IN_FUTURE", field=field)
    if (today.year - birth.year) > 120:
        raise ValidationFailed("身份证号码中的出生日期不合理", code="ID_IMPLAUSIBLE_AGE", field=field)
    if not division_ever_existed(raw[:6]):
        raise ValidationFailed(
            f"身份证号码前6位地址码（{raw[:6]}）不是有效的行政区划代码，请核对",
            code="ID_INVALID_DIVISION",
            field=field,
        )
    return raw


def clean_phone(value: str, *, field: str = "phone", required: bool = True) -> str:
    raw = re.sub(r"[\s()（）]", "", value or "")
    if not raw:
        if required:
            raise ValidationFailed("请填写联系电话", code="PHONE_REQUIRED", field=field)
        return ""
    if not (MOBILE_RE.match(raw) or LANDLINE_RE.match(raw)):
        raise ValidationFailed("联系电话格式不正确（手机号11位，或区号-座机号）", code="PHONE_INVALID", field=field)
    return raw
