"""Maps an application onto the policy engine's application profile (skillreg.policy.profile).

Counts the law asks for that the form already lists (examiners per occupation and level, finance
staff, supervisors) are derived from the lists, so an applicant cannot state one number and list
another. See docs/decisions.md, "Examiner counts".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from .models import Application, Person

# The routing fields of the form are the single source of these two facts.
OWNERSHIP_FACT = {"central": "central_branch", "provincial": "city_owned", "local": "county_owned", "private": "other"}
COVERAGE_FACT = {"province_wide": "province_or_city_wide", "city_wide": "province_or_city_wide", "county": "county"}
DERIVED_FACTS = {
    "finance_staff",
    "internal_quality_supervisors",
    "enterprise_affiliation",
    "evaluation_area",
    # Renewal (GZ-8..10, CQ-14): from the filing and the certificate registry, never typed.
    "certificates_issued_total",
    "filing_valid_until",
}


def build_profile(application: Application) -> dict[str, Any]:
    people = list(application.people.select_related("occupation"))
    facts = dict(application.facts or {})
    roles = Counter(p.role for p in people)
    facts["finance_staff"] = roles[Person.Role.FINANCE]
    facts["internal_quality_supervisors"] = roles[Person.Role.SUPERVISOR]
    if application.ownership:
        facts["enterprise_affiliation"] = OWNERSHIP_FACT[application.ownership]
    if application.coverage_area:
        facts["evaluation_area"] = COVERAGE_FACT[application.coverage_area]
    # GZ-7.2 from the credit ledger as of the day the application is made, never only the applicant's word.
    from django.utils import timezone

    from skillreg.appraisals.credit_facts import apply_credit_facts
    from skillreg.core import clock

    on = timezone.localdate(application.submitted_at) if application.submitted_at else clock.today()
    apply_credit_facts(facts, application.unit_id, on)
    counts = None
    if application.application_type == "renewal" and application.for_filing_id:
        from skillreg.institutions.renewals import renewal_certificate_counts

        filing = application.for_filing
        assert filing is not None  # noqa: S101 - for_filing_id is set
        counts = renewal_certificate_counts(filing)
        facts["certificates_issued_total"] = counts.total
        facts["filing_valid_until"] = filing.valid_to.isoformat()
    examiners = [p for p in people if p.role == Person.Role.EXAMINER and p.occupation_id]
    scope = []
    for line in application.scope.select_related("occupation"):
        stored = line.facts or {}
        line_facts = dict(stored.get("facts") or {})
        occ_examiners = [p for p in examiners if p.occupation_id == line.occupation_id]
        line_facts["examiners"] = len(occ_examiners)
        line_facts["own_examiners"] = sum(1 for p in occ_examiners if p.own_staff)
        if counts is not None:
            line_facts["certificates_issued"] = counts.per_occupation.get(line.occupation.code, 0)
        given_levels = {lf["level"]: lf for lf in stored.get("level_facts") or [] if "level" in lf}
        level_facts = []
        for lv in line.levels:
            lf = dict(given_levels.get(lv, {"level": lv}))
            # An examiner qualified at level L may examine level L and the levels below it (higher numbers).
            qualified = [p for p in occ_examiners if p.level and p.level <= lv and p.certificate_code]
            lf["certified_examiners"] = len(qualified)
            lf["own_certified_examiners"] = sum(1 for p in qualified if p.own_staff)
            level_facts.append(lf)
        scope.append(
            {
                "occupation_code": line.occupation.code,
                "occupation_name": line.occupation.name,
                "evaluation_type": line.evaluation_type,
                "levels": list(line.levels),
                "new_occupation": line.occupation.new_occupation,
                "facts": line_facts,
                "level_facts": level_facts,
            }
        )
    return {
        "schema_version": "1",
        "reference": application.number or str(application.public_id)[:8],
        "region": application.region.code,
        "kind": application.institution_kind,
        "evaluation_types": list(application.evaluation_types),
        "application_type": application.application_type,
        "scope": scope,
        "facts": facts,
    }


def filed_institution_profiles() -> Iterator[dict[str, Any]]:
    """The profile of every institution with a filing in force, for the policy what-if."""
    from skillreg.institutions.models import Filing, FilingStatus

    filings = Filing.objects.filter(status__in=[FilingStatus.ACTIVE, FilingStatus.RECTIFYING]).select_related(
        "application", "application__region"
    )
    for filing in filings.iterator(chunk_size=500):
        profile = build_profile(filing.application)
        profile["reference"] = filing.code
        yield profile
