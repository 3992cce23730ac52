"""Shape of the annual report form: one field per template item, per level figure and per filed occupation's
examiners. Values are checked by ``services.clean_content`` (messages go back next to each field)."""

from __future__ import annotations

from typing import Any

from django import forms

from .presentation import level_label
from .sections import HEADING_KEYS, MAX_TEXT, TEXT_FIELDS, TRAINING_SCALE_LABEL, level_key
from .services import COMMENT_MAX, REASON_MAX


class StartForm(forms.Form):
    filing = forms.TypedChoiceField(label="评价机构", coerce=int)
    year = forms.IntegerField(label="报告年度", min_value=2000, max_value=2100)

    def __init__(self, *args: Any, filings: list[Any], default_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(f.pk, f"{f.name}（{f.code}）") for f in filings]
        self.fields["filing"].choices = choices  # type: ignore[attr-defined]
        self.fields["year"].initial = default_year


class ReportForm(forms.Form):
    def __init__(self, data: Any = None, *, report: Any, scope_lines: list[Any], huainan: bool) -> None:
        content = report.content or {}
        initial: dict[str, Any] = {k: content.get(k, "") for k, _, _ in TEXT_FIELDS}
        initial["training_scale"] = content.get("training_scale")
        super().__init__(data, initial=initial)
        self.sections: dict[str, list[str]] = {}
        for key, heading, label in TEXT_FIELDS:
            self.fields[key] = forms.CharField(
                label=label, required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
            )
            self.sections.setdefault(heading, []).append(key)
        self.fields["training_scale"] = forms.CharField(
            label=TRAINING_SCALE_LABEL, required=False, widget=forms.NumberInput(attrs={"min": 0})
        )
        self.level_rows = []
        for line in content.get("levels", []):
            key = level_key(line["evaluation_type"], line["level"])
            t, lv = level_label(line["evaluation_type"], line["level"])
            self.fields[f"{key}_applicants"] = forms.CharField(
                label=f"{t} {lv} 报考人数", required=False, widget=forms.NumberInput(attrs={"min": 0})
            )
            self.fields[f"{key}_passes"] = forms.CharField(
                label=f"{t} {lv} 合格人数", required=False, widget=forms.NumberInput(attrs={"min": 0})
            )
            self.fields[f"{key}_reason"] = forms.CharField(
                label=f"{t} {lv} 修改原因", required=False, max_length=REASON_MAX
            )
            self.initial[f"{key}_applicants"] = line.get("applicants")
            self.initial[f"{key}_passes"] = line.get("passes")
            self.initial[f"{key}_reason"] = line.get("reason", "")
            self.level_rows.append(
                {
                    "type": t,
                    "level": lv,
                    "registry": line.get("registry_passes"),
                    "filed_applicants": line.get("registry_applicants"),
                    "applicants": self[f"{key}_applicants"],
                    "passes": self[f"{key}_passes"],
                    "reason": self[f"{key}_reason"],
                }
            )
        self.examiner_rows = []
        examiners = content.get("examiners") or {}
        for line in scope_lines:
            name = f"examiners_{line.code}"
            self.fields[name] = forms.CharField(
                label=f"{line.name}（{line.code}）考评员",
                required=False,
                widget=forms.Textarea(attrs={"rows": 6, "placeholder": "每行一人：姓名 考评证书编码"}),
            )
            self.initial[name] = "\n".join(
                f"{p.get('name', '')} {p.get('certificate_code', '')}".strip() for p in examiners.get(line.code, [])
            )
            self.examiner_rows.append(self[name])
        self.huainan = huainan
        self.groups = {short: [self[k] for k in self.sections.get(h, [])] for h, short in HEADING_KEYS.items()}


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="退回修改意见", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=COMMENT_MAX
    )


class AcceptForm(forms.Form):
    comment = forms.CharField(
        label="接收意见（可选）", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=COMMENT_MAX
    )
