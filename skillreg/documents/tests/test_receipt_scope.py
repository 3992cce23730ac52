"""Who may see a receipt. Outside the scope is 404 — for anonymous visitors too (no login redirect), so that
a receipt URL never tells whether a filing code exists; the public reads the same facts in the directory."""

from __future__ import annotations

import pytest
from django.http import Http404

from skillreg.institutions.selectors import receipt_filing_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("suffix", ["/", ".pdf"])
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("own_user", 200),
        ("other_unit_user", 404),
        ("chongqing_staff", 200),
        ("wuxi_staff", 200),
        ("guizhou_staff", 404),
        ("huainan_staff", 404),
        ("sysadmin_user", 404),  # admins hold no case data (issue 12 item 2)
        ("expert_user", 404),
    ],
)
def test_receipt_scope(client, request, filing, who, status, suffix):
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/documents/receipt/{filing.code}{suffix}").status_code == status


@pytest.mark.parametrize("suffix", ["/", ".pdf"])
def test_anonymous_gets_404_not_a_login_redirect(client, filing, suffix):
    assert client.get(f"/documents/receipt/{filing.code}{suffix}").status_code == 404


def test_unknown_code_is_404_for_admin(client, sysadmin_user):
    client.force_login(sysadmin_user)
    assert client.get("/documents/receipt/S000000000000/").status_code == 404


def test_staff_region_prefix_is_a_path_boundary(filing, db):
    """A county's staff see nothing of a sibling county; the province above sees it."""
    from skillreg.portal.tests import factories

    huainan = factories.make_filing(name="淮南机构", region_code="340403", authority_code="hrss-340400")
    staff = factories.make_user(role="staff", authority_code="hrss-340402")  # a sibling county of 340403
    with pytest.raises(Http404):
        receipt_filing_for(staff, huainan.code)
    assert receipt_filing_for(factories.make_user(role="staff", authority_code="hrss-340000"), huainan.code) == huainan


def test_selector_rejects_anonymous(filing):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Http404):
        receipt_filing_for(AnonymousUser(), filing.code)
