"""The journey harness itself catches what it must (no browser needed for the text rules)."""

from __future__ import annotations

import pytest

from .journey import Journey


class _Page:
    def on(self, *_args):
        pass


@pytest.fixture
def harness(tmp_path):
    return Journey(_Page(), "self-test", tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        "缺少事实：facts.registered_in_region",
        "scope[0].level_facts[level=5].own_certified_examiners",
        "一次性告知补正（CQ-10，收到申请后5个工作日内）",
        "依据 AH-att3",
        "操作：auth.otp_verify",
        "状态：submitted_state",
        "Page not found",
        "After you’ve created a user",
    ],
)
def test_what_a_user_must_not_read_is_caught(harness, text):
    assert harness.text_problems(text)


@pytest.mark.parametrize(
    "text",
    [
        "下载回执（PDF）· 导出 CSV · Excel",
        "备案编码 S023850000001，申请编号 BA5020260000001",
        "渝人社发〔2020〕128号 第十条：“应在5个工作日内告知申请人需要补正的全部材料”",
        "职业编码 4-10-01-05",
        "SHA-256 9f86d081…",
    ],
)
def test_what_a_page_may_say_passes(harness, text):
    assert harness.text_problems(text) == []


def test_a_journeys_own_words_are_allowed(harness):
    assert harness.text_problems("当前用户 cq_draft")
    harness.allow("cq_draft")
    assert harness.text_problems("当前用户 cq_draft") == []
