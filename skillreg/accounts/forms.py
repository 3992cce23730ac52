from django import forms
from django.contrib.auth.forms import AuthenticationForm

from skillreg.regions.selectors import region_choices


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误，请重新输入。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }


class RegisterForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=200)
    uscc = forms.CharField(label="统一社会信用代码", max_length=18, min_length=18)
    region = forms.ChoiceField(label="所在地区")
    address = forms.CharField(label="单位地址", max_length=200)
    contact_name = forms.CharField(label="联系人", max_length=64)
    contact_phone = forms.CharField(label="联系电话", max_length=32)
    username = forms.RegexField(
        label="登录用户名",
        regex=r"^[A-Za-z0-9_.-]{4,32}$",
        max_length=32,
        error_messages={"invalid": "用户名为 4–32 位字母、数字或 _ . -"},
    )
    email = forms.EmailField(label="电子邮箱", required=False)
    password = forms.CharField(label="密码", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="确认密码", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "（请选择）"), *region_choices()]

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致")
        return data
