"""Holiday-year files: parse and validate one year of the State Council's holiday arrangement.

Pure: no Django imports. A holiday-year file (YAML or JSON; format in docs/holiday-year-format.md)
holds ``year``, ``notice_number`` (文号), ``notice_date``, ``days_off`` (放假日) and
``adjusted_working_days`` (调休上班日). Parsing either returns a complete, consistent
``HolidayYear`` or raises ``HolidayFileError`` with a stable code and a Chinese message — never a
partial result, so an import built on it is all-or-nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from skillreg.workcalendar import errors
from skillreg.workcalendar.errors import HolidayFileError

FIELDS = ("year", "notice_number", "notice_date", "days_off", "adjusted_working_days")
FIELD_LABELS = {
    "year": "year（年度）",
    "notice_number": "notice_number（通知文号）",
    "notice_date": "notice_date（通知日期）",
    "days_off": "days_off（放假日）",
    "adjusted_working_days": "adjusted_working_days（调休上班日）",
}
MIN_YEAR, MAX_YEAR = 1990, 2199
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class HolidayYear:
    """One year's confirmed holiday arrangement (国务院办公厅关于部分节假日安排的通知)."""

    year: int
    notice_number: str
    notice_date: dt.date
    days_off: frozenset[dt.date]
    adjusted_working_days: frozenset[dt.date]

    def to_dict(self) -> dict[str, Any]:
        """The file representation (dates as ISO strings, sorted); ``parse_holiday_year`` inverts it."""
        return {
            "year": self.year,
            "notice_number": self.notice_number,
            "notice_date": self.notice_date.isoformat(),
            "days_off": [d.isoformat() for d in sorted(self.days_off)],
            "adjusted_working_days": [d.isoformat() for d in sorted(self.adjusted_working_days)],
        }


def _fail(code: str, message: str) -> HolidayFileError:
    return HolidayFileError(code, message)


def _parse_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise _fail(
            errors.HOLIDAY_BAD_DATE,
            f"{where}“{value}”应为日期（YYYY-MM-DD），不能带时间。",
        )
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _fail(
        errors.HOLIDAY_BAD_DATE,
        f"{where}“{value}”不是有效日期，应写成 YYYY-MM-DD，例如 2027-10-01。",
    )


def _parse_year(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _fail(errors.HOLIDAY_BAD_YEAR, f"年度“{value}”无效，应为四位数年份，例如 2027。")
    text = str(value).strip()
    if not text.isdigit() or not MIN_YEAR <= int(text) <= MAX_YEAR:
        raise _fail(
            errors.HOLIDAY_BAD_YEAR,
            f"年度“{value}”无效，应为 {MIN_YEAR}–{MAX_YEAR} 之间的四位数年份。",
        )
    return int(text)


def _parse_dates(data: Mapping[str, Any], field: str, year: int) -> frozenset[dt.date]:
    label = FIELD_LABELS[field]
    raw = data[field]
    if raw is None:
        raw = []
    if isinstance(raw, str | bytes) or not isinstance(raw, Iterable) or isinstance(raw, Mapping):
        raise _fail(errors.HOLIDAY_BAD_LIST, f"{label} 应为日期列表。")
    seen: set[dt.date] = set()
    for index, item in enumerate(raw, start=1):
        where = f"{label} 第 {index} 项"
        day = _parse_date(item, where)
        if day.year != year:
            raise _fail(
                errors.HOLIDAY_DATE_OUTSIDE_YEAR,
                f"{where} {day.isoformat()} 不在 {year} 年内；一个文件只能包含本年度的日期。",
            )
        if day in seen:
            raise _fail(
                errors.HOLIDAY_DUPLICATE_DATE,
                f"{label} 中日期 {day.isoformat()} 重复出现。",
            )
        seen.add(day)
    return frozenset(seen)


def parse_holiday_year(data: Any) -> HolidayYear:
    """Validate an already-decoded holiday-year document (a mapping) and return it as a ``HolidayYear``."""
    if not isinstance(data, Mapping):
        raise _fail(
            errors.HOLIDAY_FILE_NOT_MAPPING,
            "放假安排文件的顶层应为键值对（year、notice_number 等字段）。",
        )
    unknown = sorted(str(k) for k in data if k not in FIELDS)
    if unknown:
        raise _fail(
            errors.HOLIDAY_UNKNOWN_FIELD,
            f"未知字段：{'、'.join(unknown)}。允许的字段：{'、'.join(FIELDS)}。",
        )
    missing = [FIELD_LABELS[f] for f in FIELDS if f not in data]
    if missing:
        raise _fail(errors.HOLIDAY_MISSING_FIELD, f"缺少字段：{'、'.join(missing)}。")

    year = _parse_year(data["year"])
    notice_number = data["notice_number"]
    if not isinstance(notice_number, str) or not notice_number.strip():
        raise _fail(
            errors.HOLIDAY_BAD_NOTICE_NUMBER,
            "通知文号（notice_number）应为非空文字，例如“国办发明电〔2025〕7号”。",
        )
    notice_date = _parse_date(data["notice_date"], FIELD_LABELS["notice_date"])
    if notice_date.year > year:
        raise _fail(
            errors.HOLIDAY_NOTICE_AFTER_YEAR,
            f"通知日期 {notice_date.isoformat()} 晚于 {year} 年，不可能是该年度的放假安排。",
        )

    days_off = _parse_dates(data, "days_off", year)
    working = _parse_dates(data, "adjusted_working_days", year)
    both = sorted(days_off & working)
    if both:
        listed = "、".join(d.isoformat() for d in both)
        raise _fail(
            errors.HOLIDAY_DAY_BOTH_OFF_AND_WORK,
            f"日期 {listed} 同时列为放假日和调休上班日。",
        )
    weekdays = sorted(d for d in working if d.weekday() < 5)
    if weekdays:
        listed = "、".join(d.isoformat() for d in weekdays)
        raise _fail(
            errors.HOLIDAY_WORKDAY_NOT_WEEKEND,
            f"调休上班日 {listed} 是周一至周五，本来就是工作日；调休上班日只能是周六或周日。",
        )
    return HolidayYear(
        year=year,
        notice_number=notice_number.strip(),
        notice_date=notice_date,
        days_off=days_off,
        adjusted_working_days=working,
    )


# --- decoding YAML / JSON -------------------------------------------------------------------


class _StrictYamlLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice (PyYAML silently keeps the last one)."""


def _construct_mapping_no_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise _fail(errors.HOLIDAY_DUPLICATE_FIELD, f"字段“{key}”出现了两次。")
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictYamlLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping_no_duplicates)


def _json_pairs_no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _fail(errors.HOLIDAY_DUPLICATE_FIELD, f"字段“{key}”出现了两次。")
        result[key] = value
    return result


def load_holiday_year_text(text: str, *, fmt: str = "yaml") -> HolidayYear:
    """Decode ``text`` as ``fmt`` ("yaml" or "json") and validate it."""
    try:
        if fmt == "json":
            data = json.loads(text, object_pairs_hook=_json_pairs_no_duplicates)
        else:
            data = yaml.load(text, Loader=_StrictYamlLoader)  # noqa: S506 - _StrictYamlLoader is a SafeLoader subclass
    except (yaml.YAMLError, ValueError) as exc:
        if isinstance(exc, HolidayFileError):
            raise
        raise _fail(errors.HOLIDAY_FILE_SYNTAX, f"文件无法按 {fmt.upper()} 格式读取：{exc}") from None
    return parse_holiday_year(data)


def load_holiday_year_file(path: str | Path) -> HolidayYear:
    """Read a holiday-year file (``.json`` → JSON, otherwise YAML), UTF-8, and validate it."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError:
        raise _fail(errors.HOLIDAY_FILE_NOT_FOUND, f"找不到或无法读取放假安排文件：{path}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(errors.HOLIDAY_FILE_SYNTAX, f"文件 {path.name} 不是 UTF-8 编码。") from None
    return load_holiday_year_text(text, fmt="json" if path.suffix.lower() == ".json" else "yaml")
