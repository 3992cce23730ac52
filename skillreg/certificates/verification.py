"""Public certificate verification (证书查询): no login, no enumeration.

* Two factors always: certificate number + holder name, or ID number + holder name. A number alone (which
  is guessable: filing code + year + level + serial) answers nothing.
* One answer for "no such certificate" and "name does not match" — same text, same status, same work.
* Rate limits per client address (per minute and per day) and per queried number/ID (per day, against
  guessing names from many addresses): ``skillreg.core.ratelimit`` windows in Django's cache (locmem by
  default, Redis when REDIS_URL is set — needed when several server processes share the limits).
* The answer is masked: 张*丰, 110105********1234.
* The QR code on a certificate carries a signed URL (``django.core.signing``) that shows the same answer.
"""

from __future__ import annotations

import datetime as dt
import hmac
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

from skillreg.core import crypto
from skillreg.core.db import hot_query
from skillreg.core.errors import DomainError
from skillreg.core.ratelimit import hit_many
from skillreg.institutions.models import Filing
from skillreg.occupations.models import Occupation

from . import numbers
from .models import Certificate, CertificateStatus, IdType
from .pipeline import HOLDER_ID_PURPOSE
from .rows import LEVEL_NAMES

NOT_FOUND = "未查询到与所填信息相符的证书。请核对证书编号（或证件号码）与姓名后重试。"
TOKEN_SALT = "skillreg.certificates.qr"  # noqa: S105 - a signing salt, not a secret
_FIELDS = (
    "number",
    "holder_name",
    "holder_id_masked",
    "id_type",
    "occupation__code",
    "occupation_name",
    "work_type",
    "level",
    "issue_date",
    "status",
    "revoked_on",
    "filing__name",
    "filing__code",
)


class RateLimited(DomainError):
    code = "RATE_LIMITED"  # as skillreg.core.ratelimit
    status = 429


@dataclass(frozen=True)
class Answer:
    number: str
    holder: str
    holder_id: str
    id_type: str
    occupation_code: str
    occupation_name: str
    work_type: str
    level: int
    level_label: str
    institution: str
    filing_code: str
    issue_date: Any
    status: str
    status_label: str
    revoked_on: Any

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def mask_name(name: str) -> str:
    """张* · 张*丰 · 欧**娜; Latin names keep their first letter per word."""
    name = (name or "").strip()
    if not name:
        return ""
    if name.isascii():
        return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())
    if len(name) == 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _norm_name(name: str) -> bytes:
    return "".join(unicodedata.normalize("NFKC", name or "").split()).upper().encode()


_ID_TYPE_LABELS = {str(k): str(v) for k, v in IdType.choices}
_STATUS_LABELS = {str(k): str(v) for k, v in CertificateStatus.choices}


def _answer(row: tuple) -> Answer:
    d = dict(zip(_FIELDS, row, strict=True))
    issue, revoked = d["issue_date"], d["revoked_on"]
    return Answer(
        number=d["number"],
        holder=mask_name(d["holder_name"]),
        holder_id=d["holder_id_masked"],
        id_type=_ID_TYPE_LABELS.get(d["id_type"], ""),
        occupation_code=d["occupation__code"],
        occupation_name=d["occupation_name"],
        work_type=d["work_type"],
        level=d["level"],
        level_label=LEVEL_NAMES.get(d["level"], ""),
        institution=d["filing__name"],
        filing_code=d["filing__code"],
        issue_date=dt.date.fromisoformat(issue) if isinstance(issue, str) else issue,
        status=d["status"],
        status_label=_STATUS_LABELS.get(d["status"], ""),
        revoked_on=dt.date.fromisoformat(revoked) if isinstance(revoked, str) else revoked,
    )


def _lookup(column: str, value: str, limit: int) -> list[tuple]:
    """One indexed query (``number`` or ``holder_id_index``) joined to the filing and the occupation.

    Hand-written SQL on purpose: this is the public hot path, and compiling the equivalent ORM query costs
    more than running it; on PostgreSQL it is a prepared statement (``core.db.hot_query``). Table and column
    names come from the models."""
    c, f, o = (m._meta.db_table for m in (Certificate, Filing, Occupation))
    sql = _SQL.get(column)
    if sql is None:
        cols = "c.number, c.holder_name, c.holder_id_masked, c.id_type, o.code, c.occupation_name, c.work_type, "
        cols += "c.level, c.issue_date, c.status, c.revoked_on, f.name, f.code"
        sql = _SQL[column] = (
            f"SELECT {cols} FROM {c} c JOIN {f} f ON f.id = c.filing_id JOIN {o} o ON o.id = c.occupation_id "  # noqa: S608
            f"WHERE c.{column} = %s AND c.status <> 'staged' LIMIT {int(limit)}"
        )
    return hot_query(sql, [value])


_SQL: dict[str, str] = {}


def _matches(rows: list[tuple], name: str) -> list[Answer]:
    wanted = _norm_name(name)
    out = []
    for row in rows:
        # Constant-time comparison; every candidate is compared even after a match.
        if hmac.compare_digest(_norm_name(row[1]), wanted) and wanted:
            out.append(_answer(row))
    return out


def verify_by_number(number: str, name: str) -> list[Answer]:
    n = numbers.normalise(number)
    rows = _lookup("number", n, 1) if len(n) == numbers.LENGTH else []
    return _matches(rows, name)


def verify_by_id(id_number: str, name: str) -> list[Answer]:
    raw = numbers.normalise(id_number)
    index = crypto.blind_index(raw, purpose=HOLDER_ID_PURPOSE) if raw else ""
    rows = _lookup("holder_id_index", index, 50) if raw else []
    return sorted(_matches(rows, name), key=lambda a: (a.issue_date, a.number), reverse=True)


# -- QR tokens -----------------------------------------------------------------------------------------------------
def qr_token(number: str) -> str:
    return signing.Signer(salt=TOKEN_SALT).sign(numbers.normalise(number))


def qr_url(number: str) -> str:
    return reverse("verify:token", args=[qr_token(number)])


def verify_token(token: str) -> list[Answer]:
    try:
        number = signing.Signer(salt=TOKEN_SALT).unsign(token)
    except signing.BadSignature:
        return []
    return [_answer(r) for r in _lookup("number", number, 1)]


# -- rate limits ---------------------------------------------------------------------------------------------------
def _rate(scope: str, default: str) -> str:
    return getattr(settings, "SKILLREG_RATE_LIMITS", {}).get(scope, default)


def check_rate(ip: str, target: str = "") -> None:
    """Count one attempt (skillreg.core.ratelimit windows); ``RateLimited`` once a limit is passed.

    Scopes (``settings.SKILLREG_RATE_LIMITS``): ``certificate_verify`` per address (default 30/60),
    ``certificate_verify_day`` per address (300/86400) and ``certificate_verify_target`` per queried number or
    ID (20/86400, keyed by a blind index so that no ID number sits in the cache) against guessing names from
    many addresses."""
    limits = [
        ("certificate_verify", ip, _rate("certificate_verify", "30/60")),
        ("certificate_verify_day", ip, _rate("certificate_verify_day", "300/86400")),
    ]
    target = numbers.normalise(target)  # the lookup's own normalisation: ２, 𝟐 and 2 are one number (item 4)
    if target:
        key = crypto.blind_index(target, purpose="verify.rate")[:32]
        limits.append(("certificate_verify_target", key, _rate("certificate_verify_target", "20/86400")))
    allowed, retry_after = hit_many(limits)
    if not allowed:
        raise RateLimited(f"查询过于频繁，请 {retry_after} 秒后再试。", retry_after=retry_after)
