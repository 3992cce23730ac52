"""The header: the person and sign-out on their own row, the sections below, the current section marked."""

from __future__ import annotations

import re

import pytest


def _current(html: str) -> list[str]:
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', html)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/staff/", ["待办工作"]),
        # under /staff/ by path, but its own section: only 法定期限 is marked, not 待办工作 as well
        ("/staff/deadlines/", ["法定期限"]),
        ("/staff/dashboards/", ["统计图表"]),
        ("/certificates/statistics/", ["证书"]),
        ("/inbox/", ["消息"]),
        ("/accounts/me/", ["账户安全"]),
    ],
)
def test_the_page_marks_exactly_its_own_section(client, wuxi_officer, path, expected):
    client.force_login(wuxi_officer)
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert _current(response.content.decode()) == expected


@pytest.mark.django_db
def test_the_person_and_sign_out_are_outside_the_section_links(client, wuxi_officer):
    client.force_login(wuxi_officer)
    html = client.get("/staff/").content.decode()
    nav = html[html.index('class="main-nav') : html.index("</nav>")]
    bar = html[html.index('class="account-bar"') : html.index('class="nav-row"')]
    assert "退出" in bar and 'class="who"' in bar and "退出" not in nav
    assert "待办工作" in nav and "待办工作" not in bar


@pytest.mark.django_db
def test_an_anonymous_page_marks_the_public_section(client):
    assert _current(client.get("/notices/").content.decode()) == ["公示公告"]
