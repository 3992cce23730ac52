from django.urls import path

from . import views, views_otp

app_name = "accounts"
urlpatterns = [
    path("login/", views.SkillregLoginView.as_view(), name="login"),
    path("logout/", views.SkillregLogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("me/", views.account, name="account"),
    path("password/", views.password_change, name="password_change"),
    path("otp/", views_otp.otp_verify, name="otp_verify"),
    path("otp/setup/", views_otp.otp_setup, name="otp_setup"),
    path("otp/recovery-codes/", views_otp.otp_recovery, name="otp_recovery"),
    path("security/", views_otp.security_admin, name="security"),
    path("security/<slug:action>/", views_otp.security_admin_action, name="security_action"),
]
