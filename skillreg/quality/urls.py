from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("", views.home, name="home"),
    path("supervisors/new/", views.supervisor_new, name="supervisor_new"),
    path("supervisors/<int:pk>/", views.supervisor_detail, name="supervisor"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("draws/<int:pk>/verify/", views.draw_verify, name="draw_verify"),
    path("assignments/<int:pk>/report/", views.report_new, name="report_new"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("photos/<int:pk>/", views.photo_download, name="photo"),
]
