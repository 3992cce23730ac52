from django.urls import path

from . import views

app_name = "appraisals"
urlpatterns = [
    path("", views.home, name="home"),
    path("<str:code>/<int:year>/", views.appraisal_page, name="appraisal"),
    path("<str:code>/<int:year>/self-check/", views.self_check_page, name="self_check"),
]
