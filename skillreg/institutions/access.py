"""Who may act on a filing (issue 10): the lifecycle's questions, answered by ``skillreg.accounts.scope``.

Nothing here compares a role or a region path by hand: the one data-scope module does (issue 11), and
administrators hold no case data (issue 12 item 2).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from skillreg.accounts.scope import case_scope_q, is_institution, is_staff_member, region_q, supervises

__all__ = [
    "filings_q",
    "is_filing_authority",
    "is_institution",
    "is_own_unit",
    "is_staff_member",
    "region_q",
    "supervises",
]


def is_own_unit(user: Any, filing: Any) -> bool:
    """An institution user of the filing's own unit."""
    return is_institution(user) and bool(user.unit_id) and user.unit_id == filing.unit_id


def is_filing_authority(user: Any, filing: Any) -> bool:
    """Staff of the authority that filed it (CQ-4 "谁备案，谁监管")."""
    return is_staff_member(user) and bool(user.authority_id) and user.authority_id == filing.authority_id


def filings_q(user: Any) -> Q | None:
    """The filings ``user`` manages: an institution its unit's, staff its region's and below; None: nothing."""
    return case_scope_q(user)
