"""Moved: exits and expiry live in ``skillreg.institutions.exits`` (the lifecycle, issue 10).

Kept as a re-export so that existing imports keep working; new code imports from institutions.
"""

from skillreg.institutions.exits import (
    FAILED_RENEWAL,
    LIVE_STATUSES,
    RenewalRow,
    filing_exit_voluntary,
    filing_expire,
    renewal_due,
    renewal_outcome,
    renewals_by_unit,
    validity_limit,
)

__all__ = [
    "FAILED_RENEWAL",
    "LIVE_STATUSES",
    "RenewalRow",
    "filing_exit_voluntary",
    "filing_expire",
    "renewal_due",
    "renewal_outcome",
    "renewals_by_unit",
    "validity_limit",
]
