from django.urls import path

from . import views_public

app_name = "verify"
urlpatterns = [
    path("", views_public.verify, name="verify"),
    path("c/<str:token>/", views_public.verify_token, name="token"),
]
