"""The filing list shows every filing in scope, page by page (it showed the first 500 and silently no more)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from skillreg.institutions import views

from .conftest import file_on

pytestmark = pytest.mark.django_db


def test_filings_beyond_one_page_are_on_the_next_page(client, monkeypatch, wuxi_institution, wuxi_officer):
    first = file_on(wuxi_institution, wuxi_officer, dt.date(2026, 3, 2), kind="employer")
    second = file_on(wuxi_institution, wuxi_officer, dt.date(2026, 3, 9), kind="employer")
    monkeypatch.setattr(views, "FILINGS_PER_PAGE", 1)
    client.force_login(wuxi_officer)
    url = reverse("filings:list")
    page_one, page_two = (client.get(url, {"page": n}).content.decode() for n in (1, 2))
    assert "第 1/2 页（共 2 条）" in page_one and "下一页" in page_one
    shown = [code for code in (first.code, second.code) if code in page_one] + [
        code for code in (first.code, second.code) if code in page_two
    ]
    assert sorted(shown) == sorted([first.code, second.code])  # each on exactly one page
