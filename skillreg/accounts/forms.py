from django import forms
from django.contrib.auth.forms import AuthenticationForm

from skillreg.regions.selectors import region_choices


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误，请重新输入。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }


# What AUTH_PASSWORD_VALIDATORS require, said before the user types (issue 11: the hint omitted the classes).
PASSWORD_HINT = "至少 8 位，须同时包含大写字母、小写字母、数字和特殊字符（如 #、@、!），不能是常见密码或纯数字。"  # noqa: S105 - a hint, not a password


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
    password = forms.CharField(
        label="密码",
        widget=forms.PasswordInput,
        strip=False,
        help_text=PASSWORD_HINT,
    )
    password2 = forms.CharField(label="确认密码", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "（请选择）"), *region_choices()]

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致")
        return data


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码", widget=forms.PasswordInput, strip=False)
    new_password1 = forms.CharField(
        label="新密码",
        widget=forms.PasswordInput,
        strip=False,
        help_text=PASSWORD_HINT + "不能与最近 5 次的密码相同。",
    )
    new_password2 = forms.CharField(label="确认新密码", widget=forms.PasswordInput, strip=False)

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


class TokenForm(forms.Form):
    token = forms.CharField(
        label="动态口令或恢复码",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class UsernameForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
