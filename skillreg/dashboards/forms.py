"""The dashboard's filter: a region inside the user's scope and a date range (at most ``MAX_MONTHS`` months)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms

from . import selectors

MAX_MONTHS = 60  # one grouped query per month end; five years is what a leader compares


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "请输入有效日期（年-月-日）"},
    )


class FilterForm(forms.Form):
    region = forms.ChoiceField(
        label="地区",
        required=False,
        error_messages={"invalid_choice": "所选地区不在本机关管辖范围内，请重新选择"},
    )
    start = _date_field("起始日期")
    end = _date_field("截止日期")

    def __init__(self, *args: Any, user: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = today
        regions = list(selectors.filter_regions(user).order_by("path"))
        depth = min((r.path.count("/") for r in regions), default=0)
        self.regions = {r.code: r for r in regions}
        region_field = cast(forms.ChoiceField, self.fields["region"])
        region_field.choices = [(r.code, "　" * (r.path.count("/") - depth) + r.name) for r in regions]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        default = selectors.default_filters(self.user, today=self.today)
        start = data.get("start") or default.start
        end = data.get("end") or default.end
        if "start" in self.errors or "end" in self.errors:
            return data
        if end > self.today:
            self.add_error("end", "截止日期不能晚于今天")
        elif start > end:
            self.add_error("start", "起始日期不能晚于截止日期")
        elif (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
            self.add_error("start", f"统计期间最长{MAX_MONTHS}个月，请缩短期间")
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> selectors.Filters:
        """The filters of a valid form (the user's own region when none is chosen)."""
        data = self.cleaned_data
        region = self.regions.get(data.get("region") or "") or selectors.scope_region(self.user)
        return selectors.Filters(region, data["start"], data["end"])
