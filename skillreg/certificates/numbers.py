"""Certificate numbers (证书编号): the national 22-character layout. Pure: no Django import.

    S 0238 50 000001 26 3 000042
    │ │    │  │      │  │ └─ 6-digit serial, unique per prefix, year and level (≥ 000001)
    │ │    │  │      │  └─── level 1–5 (一级/高级技师 … 五级/初级工)
    │ │    │  │      └────── 2-digit issue year
    └─┴────┴──┴───────────── the institution's 13-character filing code (备案编码):
                             Y/S + 4-digit institution code + 2-digit province + 6-digit sequence

``parse`` checks the layout on its own; ``check_against`` checks it against the certificate it is printed
on (the institution's filing code, the issue year and the level). Every failure is a ``NumberError`` with a
stable code and a Chinese message naming the positions at fault.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

LENGTH = 22
FILING_CODE_LENGTH = 13
LETTERS = {"Y": "用人单位", "S": "社会培训评价组织、院校"}
# GB/T 2260 province-level divisions (the mainland 31, plus 71/81/82 which the layout can carry).
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
SERIAL_MAX = 999_999


class NumberError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class CertificateNumber:
    letter: str
    institution: str
    province: str
    sequence: str
    year: int  # two digits, 0–99
    level: int
    serial: int

    @property
    def filing_code(self) -> str:
        return f"{self.letter}{self.institution}{self.province}{self.sequence}"

    @property
    def prefix(self) -> str:
        """Filing code + year + level: the serial is unique within it."""
        return f"{self.filing_code}{self.year:02d}{self.level}"

    def __str__(self) -> str:
        return f"{self.prefix}{self.serial:06d}"


def normalise(value: object) -> str:
    """Full-width letters and digits (ＳＯ２３…) become ASCII; spaces around are dropped; upper case."""
    return unicodedata.normalize("NFKC", str(value or "")).strip().upper()


def parse(value: object) -> CertificateNumber:
    """The parts of a well-formed number, or ``NumberError`` for the first fault found."""
    n = normalise(value)
    if not n:
        raise NumberError("CERT_NUMBER_REQUIRED", "请填写证书编号")
    if len(n) != LENGTH:
        raise NumberError("CERT_NUMBER_LENGTH", f"证书编号应为{LENGTH}位，当前为{len(n)}位")
    if n[0] not in LETTERS:
        raise NumberError(
            "CERT_NUMBER_LETTER", f"证书编号第1位应为 Y（用人单位）或 S（社会培训评价组织、院校），当前为“{n[0]}”"
        )
    if not n[1:].isascii() or not n[1:].isdigit():
        raise NumberError("CERT_NUMBER_DIGITS", "证书编号第2–22位应全部为数字")
    if n[5:7] not in PROVINCES:
        raise NumberError("CERT_NUMBER_PROVINCE", f"证书编号第6–7位（省份代码“{n[5:7]}”）不是有效的省级行政区划代码")
    if n[7:13] == "000000":
        raise NumberError("CERT_NUMBER_SEQUENCE", "证书编号第8–13位（备案序号）不能为000000")
    level = int(n[15])
    if not 1 <= level <= 5:
        raise NumberError("CERT_NUMBER_LEVEL", f"证书编号第16位（等级）应为1–5，当前为{level}")
    serial = int(n[16:])
    if serial == 0:
        raise NumberError("CERT_NUMBER_SERIAL", "证书编号第17–22位（流水号）不能为000000")
    return CertificateNumber(n[0], n[1:5], n[5:7], n[7:13], int(n[13:15]), level, serial)


def check_against(
    number: CertificateNumber,
    *,
    filing_code: str | None = None,
    issue_year: int | None = None,
    level: int | None = None,
) -> list[NumberError]:
    """Faults of a parsed number against the certificate's own data (all of them, not just the first)."""
    errors = []
    if filing_code is not None and number.filing_code != filing_code:
        errors.append(
            NumberError(
                "CERT_NUMBER_PREFIX",
                f"证书编号前13位（{number.filing_code}）应为本机构的备案编码 {filing_code}",
            )
        )
    if issue_year is not None and number.year != issue_year % 100:
        errors.append(
            NumberError(
                "CERT_NUMBER_YEAR",
                f"证书编号第14–15位（年份“{number.year:02d}”）应与发证日期的年份 {issue_year} 一致",
            )
        )
    if level is not None and number.level != level:
        errors.append(
            NumberError(
                "CERT_NUMBER_LEVEL_MISMATCH", f"证书编号第16位（等级{number.level}）应与证书等级（{level}）一致"
            )
        )
    return errors


def compose(filing_code: str, issue_year: int, level: int, serial: int) -> str:
    """The number for the ``serial``-th certificate of a filing, year and level; the result parses."""
    code = normalise(filing_code)
    if len(code) != FILING_CODE_LENGTH:
        raise NumberError("FILING_CODE_LENGTH", f"备案编码应为{FILING_CODE_LENGTH}位")
    if not 1 <= level <= 5:
        raise NumberError("CERT_NUMBER_LEVEL", f"等级应为1–5，当前为{level}")
    if not 1 <= serial <= SERIAL_MAX:
        raise NumberError("CERT_SERIAL_EXHAUSTED", f"该机构{issue_year}年{level}级证书流水号已用尽（上限{SERIAL_MAX}）")
    number = f"{code}{issue_year % 100:02d}{level}{serial:06d}"
    parse(number)  # a filing code that is itself malformed fails here
    return number


def prefix_of(filing_code: str, issue_year: int, level: int) -> str:
    return f"{normalise(filing_code)}{issue_year % 100:02d}{level}"


def describe(value: object) -> str:
    """Human reading of a well-formed number (for the CLI)."""
    n = parse(value)
    return (
        f"{n}：{LETTERS[n.letter]}（{n.letter}），机构代码 {n.institution}，省份 {n.province}，备案序号 {n.sequence}，"
        f"年份 {n.year:02d}，等级 {n.level}，流水号 {n.serial:06d}"
    )
