from django import forms


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label="操作人（用户名）", max_length=150, required=False)
    action = forms.CharField(
        label="操作（代码前缀，可从列表中选择）",
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"list": "audit-actions"}),
    )
    object_type = forms.ChoiceField(label="对象类型", required=False, choices=[])
    object_id = forms.CharField(label="对象编号", max_length=64, required=False)
    result = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部"), ("ok", "成功"), ("refused", "被拒绝")]
    )
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        from .labels import OBJECT_LABELS

        self.fields["object_type"].choices = [("", "全部"), *OBJECT_LABELS.items()]  # type: ignore[attr-defined]

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "截止日期不能早于起始日期")
        return data
