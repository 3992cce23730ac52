"""Reads of filings (备案机构): the public directory and data-scoped documents.

Views and API handlers never query ``Filing`` directly; they call these functions. An object outside a
caller's scope is a 404 (no existence leak), never a 403.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from skillreg.core import clock
from skillreg.core.errors import ValidationFailed
from skillreg.occupations.models import Occupation
from skillreg.regions.models import Region
from skillreg.regions.selectors import region_by_code, regions_under

from . import access
from .lifecycle import IN_GOOD_STANDING, LIVE
from .models import (
    Filing,
    FilingScope,
    FilingStatus,
    FilingStatusChange,
    FilingVersion,
    FilingVersionScope,
    InstitutionKind,
)

# Every filed institution is public information, whatever became of it later (AH-4.3, CQ-12).
# Drafts and applications are not filings and never appear here.
PUBLIC_STATUSES: tuple[str, ...] = tuple(FilingStatus.values)

MAX_QUERY_LENGTH = 100


def _with_relations(qs: QuerySet[Filing]) -> QuerySet[Filing]:
    scope = FilingScope.objects.select_related("occupation").order_by("occupation__code")
    return qs.select_related("unit", "region", "authority").prefetch_related(Prefetch("scope", queryset=scope))


def in_force_q(day: dt.date, prefix: str = "") -> Q:
    """Versions in force on ``day`` (``prefix`` reaches a version through a relation, e.g. ``"version__"``)."""
    return Q(**{f"{prefix}effective_from__lte": day}) & (
        Q(**{f"{prefix}effective_to__isnull": True}) | Q(**{f"{prefix}effective_to__gte": day})
    )


def _with_version_in_force(qs: QuerySet[Filing], day: dt.date) -> QuerySet[Filing]:
    """Prefetch the version in force on ``day`` with its scope (two queries for any number of filings).

    ``Filing.shown`` then answers with that version — what the directory, its exports and API show — and
    falls back to the denormalised columns (the latest version) only for a filing that has no version.
    """
    scope = FilingVersionScope.objects.select_related("occupation").order_by("occupation__code")
    versions = FilingVersion.objects.filter(in_force_q(day)).prefetch_related(Prefetch("scope", queryset=scope))
    return _with_relations(qs).prefetch_related(Prefetch("versions", queryset=versions, to_attr="in_force_versions"))


def _shown_matches(day: dt.date, version_q: Q, filing_q: Q) -> Q:
    """A filter on what the directory shows: the version in force on ``day``; the columns when none exists."""
    has_version = Exists(FilingVersion.objects.filter(filing=OuterRef("pk")))
    matching = Exists(FilingVersion.objects.filter(in_force_q(day), version_q, filing=OuterRef("pk")))
    return matching | (~has_version & filing_q)


def public_filings(
    q: str | None = None,
    region_code: str | None = None,
    occupation_code: str | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> QuerySet[Filing]:
    """Filings shown in the public directory, searched and filtered.

    ``q`` matches the institution name (substring), the unit's USCC (exact) or the filing code (exact or
    prefix). ``region_code`` takes that region and every region below it; ``occupation_code`` an occupation
    and its work types. A filter value that names nothing raises ``ValidationFailed`` with a Chinese message.
    Name, kind and occupation are those of the version in force today (``filing_on`` semantics): an early
    renewal's later version is not shown before it takes effect.
    """
    today = clock.today()
    qs = Filing.objects.filter(status__in=PUBLIC_STATUSES)

    q = (q or "").strip()
    if q:
        if len(q) > MAX_QUERY_LENGTH:
            raise ValidationFailed(f"查询内容过长，请不超过{MAX_QUERY_LENGTH}个字符。", field="q")
        qs = qs.filter(
            _shown_matches(today, Q(name__icontains=q), Q(name__icontains=q))
            | Q(unit__uscc=q.upper())
            | Q(code__istartswith=q)
        )

    region_code = (region_code or "").strip()
    if region_code:
        region = region_by_code(region_code)
        if region is None:
            raise ValidationFailed(f"未找到行政区划代码“{region_code}”，请从列表中选择地区。", field="region")
        qs = qs.filter(region__in=regions_under(region))

    occupation_code = (occupation_code or "").strip()
    if occupation_code:
        if not Occupation.objects.filter(code=occupation_code).exists():
            raise ValidationFailed(
                f"未找到职业（工种）编码“{occupation_code}”，请按《职业分类大典》编码填写，如 4-10-01-05。",
                field="occupation",
            )
        line = Q(occupation__code=occupation_code) | Q(occupation__code__startswith=occupation_code + "-")
        in_version = FilingVersionScope.objects.filter(line, version=OuterRef("pk"))
        in_columns = FilingScope.objects.filter(line, filing=OuterRef("pk"))
        qs = qs.filter(_shown_matches(today, Q(Exists(in_version)), Q(Exists(in_columns))))

    kind = (kind or "").strip()
    if kind:
        if kind not in InstitutionKind.values:
            raise ValidationFailed(f"机构类别“{kind}”无效。", field="kind")
        qs = qs.filter(_shown_matches(today, Q(kind=kind), Q(kind=kind)))

    status = (status or "").strip()
    if status:
        if status not in PUBLIC_STATUSES:
            raise ValidationFailed(f"状态“{status}”无效。", field="status")
        qs = qs.filter(status=status)

    return _with_version_in_force(qs, today).order_by("-filed_on", "code")


def public_filing_by_code(code: str) -> Filing:
    """One filing of the public directory, with its scope; ``Http404`` if unknown or not public."""
    qs = Filing.objects.filter(status__in=PUBLIC_STATUSES, code=code)
    filing = _with_version_in_force(qs, clock.today()).first()
    if filing is None:
        raise Http404("未找到该备案机构")
    attach_region_full_names([filing])
    return filing


def directory_occupations() -> QuerySet[Occupation]:
    """Occupations in the scope, in force today, of at least one public filing (for the filter's suggestions)."""
    today = clock.today()
    in_version = FilingVersionScope.objects.filter(
        in_force_q(today, "version__"), occupation=OuterRef("pk"), version__filing__status__in=PUBLIC_STATUSES
    )
    unversioned = FilingScope.objects.filter(
        occupation=OuterRef("pk"), filing__status__in=PUBLIC_STATUSES, filing__versions__isnull=True
    )
    return Occupation.objects.filter(Exists(in_version) | Exists(unversioned)).order_by("code")


def receipt_filing_for(user: Any, code: str) -> Filing:
    """The filing whose receipt (回执) ``user`` may see, or ``Http404``.

    Allowed: users of the filing's own unit; staff whose authority's region is the filing's region or above it
    (never an administrator, issue 12 item 2). Everyone else — anonymous users included — gets 404, so that a
    receipt URL does not reveal whether a code exists.
    """
    if user is None or not user.is_authenticated:
        raise Http404("未找到该备案回执")
    scope = access.filings_q(user)  # administrators hold no case data (issue 12 item 2)
    if scope is None:
        raise Http404("未找到该备案回执")
    qs = _with_relations(Filing.objects.filter(scope, code=code))
    filing = qs.first()
    if filing is None:
        raise Http404("未找到该备案回执")
    attach_region_full_names([filing])
    return filing


def attach_region_full_names(filings: Iterable[Filing]) -> list[Filing]:
    """Set ``filing.region_full_name`` ("安徽省淮南市田家庵区") on each filing with one query in all."""
    filings = list(filings)
    codes = {c for f in filings for c in f.region.path.split("/")}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    for f in filings:
        f.region_full_name = "".join(names.get(c, "") for c in f.region.path.split("/"))  # type: ignore[attr-defined]
    return filings


def iter_with_region_full_names(qs: QuerySet[Filing], chunk_size: int = 500) -> Iterator[Filing]:
    """Stream a (large) filing queryset in chunks, each with its scope and region full names loaded."""
    rows = qs.iterator(chunk_size=chunk_size)
    while chunk := list(islice(rows, chunk_size)):
        yield from attach_region_full_names(chunk)


# ----------------------------------------------------------------------------- the dated history


@dataclass(frozen=True)
class FilingOnDay:
    """What a filed institution was, and what it was allowed to do, on ``day``."""

    filing: Filing
    day: dt.date
    version: FilingVersion | None  # None: before the filing existed
    status: str | None  # the lifecycle status in force that day (None before the filing)
    rectification: Any  # supervision.Rectification in force that day, or None
    exit: Any  # deadlines.FilingExit whose termination had taken effect by that day, or None
    scope: dict[str, frozenset[int]]  # occupation code → levels, of that day's version

    @property
    def valid(self) -> bool:
        v = self.version
        return v is not None and v.valid_from <= self.day <= v.valid_to

    @property
    def may_evaluate(self) -> bool:
        """Within validity, in a live status, not under rectification and before any exit (CQ-4, CQ-30,
        GZ-13..15)."""
        return self.valid and self.status in IN_GOOD_STANDING and self.rectification is None and self.exit is None

    @property
    def status_label(self) -> str:
        return FilingStatus(self.status).label if self.status else "未备案"


@dataclass(frozen=True)
class FilingTimeline:
    """Everything ``filing_on`` reads, loaded once (5 queries): for pages and bulk checks (certificate import)."""

    filing: Filing
    versions: list[FilingVersion]
    status_changes: list[FilingStatusChange]
    exits: list[Any]
    rectifications: list[Any]

    def on(self, day: dt.date) -> FilingOnDay:
        version = next(
            (v for v in self.versions if v.effective_from <= day and (v.effective_to is None or day <= v.effective_to)),
            None,
        )
        changes = [c for c in self.status_changes if c.effective_on <= day]
        exit_ = next((e for e in sorted(self.exits, key=lambda e: e.terminates_on) if e.terminates_on < day), None)
        rect = next(
            (r for r in self.rectifications if r.ordered_on <= day and (r.ends_on is None or day <= r.ends_on)), None
        )
        scope = {s.occupation.code: frozenset(s.levels) for s in version.scope.all()} if version is not None else {}
        return FilingOnDay(
            filing=self.filing,
            day=day,
            version=version,
            status=changes[-1].to_status if changes else None,
            rectification=rect,
            exit=exit_,
            scope=scope,
        )


def filing_timeline(filing: Filing) -> FilingTimeline:
    from skillreg.deadlines.models import FilingExit
    from skillreg.supervision.models import Rectification

    return FilingTimeline(
        filing=filing,
        versions=filing_versions(filing),
        status_changes=filing_status_history(filing),
        exits=list(FilingExit.objects.filter(filing=filing).order_by("terminates_on")),
        rectifications=list(Rectification.objects.filter(filing=filing).order_by("-ordered_on")),
    )


def filing_on(filing: Filing, day: dt.date) -> FilingOnDay:
    """The one answer to "what was this institution and what was it allowed to do on ``day``"."""
    return filing_timeline(filing).on(day)


def filing_versions(filing: Filing) -> list[FilingVersion]:
    """Every version of a filing, oldest first, with its scope (for history pages; public information)."""
    return list(FilingVersion.objects.filter(filing=filing).prefetch_related("scope__occupation").order_by("number"))


def filing_status_history(filing: Filing) -> list[FilingStatusChange]:
    return list(FilingStatusChange.objects.filter(filing=filing).order_by("effective_on", "id"))


def is_live(status: str) -> bool:
    return status in LIVE


# ----------------------------------------------------------------------------- lifecycle pages


def filings_for_user(user: Any) -> QuerySet[Filing]:
    """The filings a signed-in user may manage: an institution its unit's; staff those of its region and below."""
    qs = Filing.objects.select_related("unit", "region", "authority")
    scope = access.filings_q(user)
    if scope is None:
        return qs.none()
    return qs.filter(scope).order_by("-filed_on" if access.is_institution(user) else "valid_to")


def lifecycle_application_for(filing: Filing, public_id: Any) -> Any:
    """A change / renewal application of ``filing`` (already scoped by the caller), or ``Http404``."""
    from skillreg.applications.models import Application

    app = Application.objects.filter(public_id=public_id, for_filing=filing).first()
    if app is None:
        raise Http404("未找到该申请")
    return app


def managed_filing_for(user: Any, code: str) -> Filing:
    """One filing of ``filings_for_user``; ``Http404`` otherwise (no existence leak)."""
    filing = filings_for_user(user).filter(code=code).first()
    if filing is None:
        raise Http404("未找到该备案机构")
    attach_region_full_names([filing])
    return filing


def filing_exits(filing: Filing) -> list[Any]:
    from skillreg.deadlines.models import FilingExit

    return list(FilingExit.objects.filter(filing=filing).order_by("terminates_on"))


def latest_exits(filings: list[Filing]) -> dict[int, Any]:
    """The last exit (by its termination day) of each of ``filings`` that has one, by filing pk: what the staff
    list shows, in one query for the page (issue 16)."""
    from skillreg.deadlines.models import FilingExit

    out: dict[int, Any] = {}
    for e in FilingExit.objects.filter(filing__in=[f.pk for f in filings]).order_by("terminates_on", "pk"):
        out[e.filing_id] = e
    return out


def lifecycle_applications(filing: Filing) -> QuerySet[Any]:
    from skillreg.applications.models import Application

    return Application.objects.filter(for_filing=filing).select_related("authority").order_by("-created_at")
