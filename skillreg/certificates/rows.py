"""Pure row checks of a certificate report (no database, no Django).

``check_row`` takes the cells of one row (a dict keyed by column key, values as a spreadsheet or a CSV
gives them) and the institution's facts (``InstitutionFacts``, loaded once per import by
``context.load_facts``) and returns a ``CheckedRow`` or the list of every fault found, each a
``RowError`` (row, column, stable code, Chinese message). Duplicates and everything else that needs the
database are checked later, a chunk at a time, by ``writer.ChunkWriter``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from stdnum.cn import ric

from skillreg.core.errors import ValidationFailed
from skillreg.core.validators import clean_id_number

from . import numbers
from .columns import COLUMNS, FILE, LABELS, Column, RowError, map_header

__all__ = ["COLUMNS", "FILE", "LABELS", "Column", "RowError", "map_header"]  # re-exported for callers

LEVEL_NAMES = {5: "五级/初级工", 4: "四级/中级工", 3: "三级/高级工", 2: "二级/技师", 1: "一级/高级技师"}
ID_TYPES = {
    "resident_id": "居民身份证",
    "hmt_residence": "港澳台居民居住证",
    "foreign_pr": "外国人永久居留身份证",
    "passport": "护照",
    "hm_permit": "港澳居民来往内地通行证",
    "tw_permit": "台湾居民来往大陆通行证",
}


@dataclass(frozen=True, slots=True)
class Occ:
    id: int
    code: str
    name: str
    levels: frozenset[int]
    parent_code: str | None = None


@dataclass(frozen=True, slots=True)
class Batch:
    id: int
    number: str
    occupation_code: str
    level: int
    starts_on: dt.date
    ends_on: dt.date
    passes: int
    # The plan's results are filed (or accepted): only then does the registry take its certificates (issue 14)
    results_in: bool = True
    # Each certificate must match a person on the plan's roster of passes (false only on plans registered
    # before results were filed with a roster)
    roster_required: bool = False


@dataclass(frozen=True)
class Period:
    """One version of the filing (institutions.FilingVersion): in force ``start``..``end`` (None = open)."""

    number: int
    start: dt.date
    end: dt.date | None
    valid_from: dt.date
    valid_to: dt.date
    scope: Mapping[str, frozenset[int]]


@dataclass(frozen=True)
class InstitutionFacts:
    """What a row is checked against: the filing as it stands, loaded once per import."""

    filing_id: int
    code: str
    name: str
    valid_from: dt.date
    valid_to: dt.date
    terminates_on: dt.date | None  # last day of evaluation activity after an exit (GZ-13/14)
    blocked_from: dt.date | None  # terminated/cancelled with no recorded date: from this day on
    blocked_label: str
    scope: Mapping[str, frozenset[int]]
    rectifications: tuple[tuple[dt.date, dt.date | None], ...]
    occupations: Mapping[str, Occ]
    batches: Mapping[str, Batch]
    today: dt.date
    min_age: int = 16
    max_age: int = 120
    scope_text: str = field(default="")
    # The filing's dated versions (``institutions.selectors.filing_timeline``); a row is checked against
    # the version in force on its issue date. Empty: only the current ``scope`` and validity are known.
    periods: tuple[Period, ...] = ()
    # plan id → roster keys "blind index|occupation id|level" → (name, certificate number or ""), loaded on demand
    roster_of: Callable[[int], Mapping[str, tuple[str, str]]] | None = None


def period_on(facts: InstitutionFacts, day: dt.date) -> Period | None:
    for p in facts.periods:
        if p.start <= day and (p.end is None or day <= p.end):
            return p
    return None


@dataclass(slots=True)
class CheckedRow:
    row: int
    number: str | None
    holder_name: str
    id_type: str
    id_number: str
    occupation_id: int
    occupation_name: str
    work_type: str
    level: int
    issue_date: dt.date
    batch_id: int


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_LEVEL_WORDS = {"初级工": 5, "初级": 5, "中级工": 4, "中级": 4, "高级工": 3, "技师": 2, "高级技师": 1}


def parse_level(value: Any) -> int | None:
    """1–5 from 3, 3.0, "3", "三级", "三级/高级工", "高级工"; any other integer is returned as is (the caller
    reports it), ``None`` when unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() else None
    text = _text(value).replace(" ", "")
    if not text:
        return None
    if re.fullmatch(r"\d+(\.0+)?", text):
        return int(float(text))
    head = text.split("/")[0]
    if head in _LEVEL_WORDS:
        return _LEVEL_WORDS[head]
    m = re.fullmatch(r"([一二三四五六七八九])级", head)
    if m:
        return _CN_DIGITS[m.group(1)]
    return None


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A date cell that lost its format is a serial day number (1990 … 2099 accepted).
        if float(value).is_integer() and 32874 <= value <= 73050:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        return None
    text = _text(value)
    if not text:
        return None
    text = text.split(" ")[0].split("T")[0]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


_NAME_RE = re.compile(r"^[\u3400-\u9fff\uf900-\ufaffA-Za-z][\u3400-\u9fff\uf900-\ufaffA-Za-z·• .'-]{0,49}$")
_ID_TYPE_BY_LABEL = {v: k for k, v in ID_TYPES.items()} | {k: k for k in ID_TYPES} | {"身份证": "resident_id"}
_OTHER_ID_RE = re.compile(r"^[A-Z0-9-]{5,30}$")


def _check_id(
    id_type: str, value: Any, facts: InstitutionFacts, issue: dt.date | None
) -> tuple[str, tuple[str, str] | None]:
    """(normalised ID, None), or ("", (code, message))."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Excel keeps 15 significant digits: an 18-digit number typed into a numeric cell has lost its tail.
        return "", (
            "ID_NUMERIC_CELL",
            "证件号码被表格软件存成了数字（末几位已丢失，如 1.10105E+17），请将该列设置为文本后重新填写",
        )
    raw = _text(value).upper()
    if not raw:
        return "", ("ID_REQUIRED", "请填写证件号码")
    if id_type in ("resident_id", "hmt_residence"):
        try:
            if id_type == "resident_id":
                number = clean_id_number(raw, today=facts.today)
            else:
                number = _check_residence_permit(raw)
        except ValidationFailed as exc:
            return "", (exc.code, exc.message)
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        on = issue or facts.today
        age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
        if age < facts.min_age:
            return "", (
                "ID_HOLDER_TOO_YOUNG",
                f"按证件号码，持证人在发证日期时未满{facts.min_age}周岁（{age}岁），请核对",
            )
        if age > facts.max_age:
            return "", ("ID_IMPLAUSIBLE_AGE", "证件号码中的出生日期不合理")
        return number, None
    if not _OTHER_ID_RE.match(raw):
        return "", ("ID_INVALID_FORMAT", "证件号码格式不正确（5–30位字母、数字）")
    return raw, None


def _check_residence_permit(raw: str) -> str:
    """港澳台居民居住证: 18 characters, 810000/820000/830000, GB 11643 check digit."""
    if len(raw) != 18:
        raise ValidationFailed("证件号码应为18位", code="ID_INVALID_LENGTH")
    if raw[:6] not in ("810000", "820000", "830000") or not raw[:17].isdigit():
        raise ValidationFailed("港澳台居民居住证号码应以810000、820000或830000开头", code="ID_INVALID_FORMAT")
    if raw[-1] != ric.calc_check_digit(raw):
        raise ValidationFailed("证件号码校验位错误，请核对", code="ID_INVALID_CHECKSUM")
    try:
        dt.date(int(raw[6:10]), int(raw[10:12]), int(raw[12:14]))
    except ValueError:
        raise ValidationFailed("证件号码中的出生日期不正确", code="ID_INVALID_FORMAT") from None
    return raw


def _period(start: dt.date, end: dt.date | None) -> str:
    return f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}" if end else f"{start:%Y-%m-%d} 起（尚未结束）"


def rectification_on(facts: InstitutionFacts, day: dt.date) -> tuple[dt.date, dt.date | None] | None:
    for start, end in facts.rectifications:
        if start <= day and (end is None or day <= end):
            return start, end
    return None


def validity_faults(facts: InstitutionFacts, day: dt.date) -> list[tuple[str, str]]:
    """Why the institution could not certify on ``day`` (CQ-4, CQ-30, GZ-13/14), as (code, message)."""
    out = []
    period = period_on(facts, day) if facts.periods else None
    valid_from = period.valid_from if period else facts.valid_from
    valid_to = period.valid_to if period else facts.valid_to
    if facts.periods and period is None:  # versions cover every day from the filing on: before it
        valid_from = facts.periods[0].valid_from
    if day < valid_from:
        out.append(("FILING_NOT_YET_VALID", f"{day:%Y-%m-%d} 早于本机构备案有效期起始日 {valid_from:%Y-%m-%d}"))
    elif day > valid_to:
        out.append(("FILING_EXPIRED_ON_DATE", f"{day:%Y-%m-%d} 晚于本机构备案有效期截止日 {valid_to:%Y-%m-%d}"))
    elif facts.terminates_on and day > facts.terminates_on:
        out.append(
            (
                "FILING_TERMINATED_ON_DATE",
                f"本机构评价资格已于 {facts.terminates_on:%Y-%m-%d} 终止，{day:%Y-%m-%d} 不得发证",
            )
        )
    elif facts.blocked_from and day >= facts.blocked_from:
        out.append(("FILING_NOT_ACTIVE", f"本机构备案状态为“{facts.blocked_label}”，不得登记此后颁发的证书"))
    rect = rectification_on(facts, day)
    if rect:
        out.append(
            (
                "CERT_DURING_RECTIFICATION",
                f"{day:%Y-%m-%d} 处于整改期（{_period(*rect)}），整改期内不得开展评价活动",
            )
        )
    return out


def check_row(row: int, cells: Mapping[str, Any], facts: InstitutionFacts) -> CheckedRow | list[RowError]:
    errors: list[RowError] = []

    def err(key: str, code: str, message: str) -> None:
        errors.append(RowError(row, LABELS.get(key, key), code, message))

    name = _text(cells.get("holder_name"))
    if not name:
        err("holder_name", "HOLDER_NAME_REQUIRED", "请填写持证人姓名")
    elif not _NAME_RE.match(name):
        err("holder_name", "HOLDER_NAME_INVALID", "姓名只能包含汉字、字母和间隔号（·），不超过50字")

    id_type_text = _text(cells.get("id_type")) or "resident_id"
    id_type = _ID_TYPE_BY_LABEL.get(id_type_text)
    if id_type is None:
        err("id_type", "ID_TYPE_INVALID", f"证件类型“{id_type_text}”无效，可填：{'、'.join(ID_TYPES.values())}")

    raw_level = cells.get("level")
    level = parse_level(raw_level)
    if level is None:
        if _text(raw_level):
            err("level", "LEVEL_INVALID", f"等级“{_text(raw_level)}”无法识别，请填 1–5 或 五级/初级工 … 一级/高级技师")
        else:
            err("level", "LEVEL_REQUIRED", "请填写等级")
    elif not 1 <= level <= 5:
        err("level", "LEVEL_INVALID", f"等级应为1–5（一级/高级技师 … 五级/初级工），当前为{level}")
        level = None

    raw_date = cells.get("issue_date")
    issue = parse_date(raw_date)
    if issue is None:
        if _text(raw_date):
            err("issue_date", "ISSUE_DATE_INVALID", f"发证日期“{_text(raw_date)}”无法识别，请填写如 2026-03-01")
        else:
            err("issue_date", "ISSUE_DATE_REQUIRED", "请填写发证日期")
    elif issue > facts.today:
        err("issue_date", "ISSUE_DATE_IN_FUTURE", f"发证日期 {issue:%Y-%m-%d} 晚于今天")
        issue = None
    else:
        for code, message in validity_faults(facts, issue):
            err("issue_date", code, message)

    id_number = ""
    if id_type:
        id_number, problem = _check_id(id_type, cells.get("id_number"), facts, issue)
        if problem:
            err("id_number", *problem)

    occ = None
    code = _text(cells.get("occupation_code"))
    if not code:
        err("occupation_code", "OCCUPATION_REQUIRED", "请填写职业编码")
    else:
        occ = facts.occupations.get(code)
        if occ is None:
            err("occupation_code", "OCCUPATION_UNKNOWN", f"职业编码“{code}”不在《职业分类大典》目录中")
        else:
            given = _text(cells.get("occupation_name"))
            if given and given != occ.name:
                err(
                    "occupation_name",
                    "OCCUPATION_NAME_MISMATCH",
                    f"职业名称“{given}”与编码 {code} 不符（应为“{occ.name}”）",
                )
            period = period_on(facts, issue) if issue and facts.periods else None
            scope = period.scope if period else facts.scope
            filed = scope.get(occ.code)
            if filed is None and occ.parent_code:
                filed = scope.get(occ.parent_code)
            if filed is None:
                err(
                    "occupation_code",
                    "OCCUPATION_OUT_OF_SCOPE",
                    f"{occ.code} {occ.name} 不在本机构"
                    + (f"{issue:%Y-%m-%d} 有效的第 {period.number} 版" if period and issue else "")
                    + "备案的职业范围内"
                    + (f"（{facts.scope_text}）" if facts.scope_text and (not period or period.end is None) else ""),
                )
            elif level is not None and level not in filed:
                filed_text = "、".join(LEVEL_NAMES[x] for x in sorted(filed, reverse=True))
                err(
                    "level",
                    "LEVEL_OUT_OF_SCOPE",
                    f"本机构 {occ.name} 备案等级为 {filed_text}，不含{LEVEL_NAMES[level]}",
                )
            elif level is not None and occ.levels and level not in occ.levels:
                err("level", "LEVEL_NOT_IN_STANDARD", f"{occ.name} 的国家职业标准未设{LEVEL_NAMES[level]}")

    batch = None
    batch_number = _text(cells.get("batch_number"))
    if not batch_number:
        err("batch_number", "BATCH_REQUIRED", "请填写评价计划编号")
    else:
        batch = facts.batches.get(batch_number)
        if batch is None:
            err("batch_number", "BATCH_UNKNOWN", f"未找到本机构的评价计划“{batch_number}”，请先登记评价计划")
        elif not batch.results_in:
            err(
                "batch_number",
                "BATCH_RESULTS_NOT_FILED",
                f"评价计划“{batch_number}”尚未报备评价结果，结果报备后方可登记该计划的证书",
            )
        else:
            if occ and (batch.occupation_code != occ.code or (level and batch.level != level)):
                err(
                    "batch_number",
                    "BATCH_MISMATCH",
                    f"评价计划“{batch_number}”是 {batch.occupation_code} {LEVEL_NAMES[batch.level]} 的计划，"
                    "与本行职业或等级不符",
                )
            if issue and issue < batch.ends_on:
                err("issue_date", "ISSUE_BEFORE_EVALUATION", f"发证日期早于评价计划的结束日期 {batch.ends_on:%Y-%m-%d}")
            for start, end in facts.rectifications:
                if start <= batch.ends_on and (end is None or batch.starts_on <= end):
                    err(
                        "batch_number",
                        "BATCH_DURING_RECTIFICATION",
                        f"评价计划的评价日期与整改期（{_period(start, end)}）重叠，整改期内不得开展评价活动",
                    )
                    break

    number_text = numbers.normalise(cells.get("number"))
    if number_text:
        try:
            parsed = numbers.parse(number_text)
        except numbers.NumberError as exc:
            err("number", exc.code, exc.message)
        else:
            for fault in numbers.check_against(
                parsed, filing_code=facts.code, issue_year=issue.year if issue else None, level=level
            ):
                err("number", fault.code, fault.message)
    work_type = _text(cells.get("work_type"))
    if len(work_type) > 100:
        err("work_type", "WORK_TYPE_TOO_LONG", "工种/方向不超过100字")

    if errors or occ is None or batch is None or level is None or issue is None or id_type is None:
        return errors
    return CheckedRow(
        row=row,
        number=number_text or None,
        holder_name=name,
        id_type=id_type,
        id_number=id_number,
        occupation_id=occ.id,
        occupation_name=occ.name,
        work_type=work_type,
        level=level,
        issue_date=issue,
        batch_id=batch.id,
    )


def roster_faults(row: CheckedRow, holder_index: str, batch: Batch, facts: InstitutionFacts) -> list[RowError]:
    """A certificate of a plan whose results were filed with a roster must be one of its people: same ID
    number (by blind index), occupation and level, same name, and the roster's certificate number if it
    gives one (issue 14, "谁评价，谁发证，谁负责" CQ-4)."""
    if not batch.roster_required or facts.roster_of is None:
        return []
    entry = facts.roster_of(batch.id).get(f"{holder_index}|{row.occupation_id}|{row.level}")
    if entry is None:
        return [
            RowError(
                row.row,
                LABELS["id_number"],
                "CERT_NOT_ON_ROSTER",
                f"持证人不在评价计划“{batch.number}”报备的合格名册中（按证件号码、职业、等级核对），不能登记证书",
            )
        ]
    name, number = entry
    out = []
    if name != row.holder_name:
        out.append(
            RowError(
                row.row, LABELS["holder_name"], "CERT_ROSTER_NAME_MISMATCH", f"姓名与合格名册不符（名册中为“{name}”）"
            )
        )
    if number and row.number != number:
        out.append(
            RowError(
                row.row, LABELS["number"], "CERT_ROSTER_NUMBER_MISMATCH", f"证书编号与合格名册不符（名册中为 {number}）"
            )
        )
    return out
