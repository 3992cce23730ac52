from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SkillregLoginView.as_view(), name="login"),
    path("logout/", views.SkillregLogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
]
