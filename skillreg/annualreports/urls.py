from django.urls import path

from . import views

app_name = "annualreports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("start/", views.report_start, name="start"),
    path("summary.xlsx", views.summary_xlsx, name="summary_xlsx"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/v/<int:number>/", views.version_detail, name="version"),
    path("<int:pk>/v/<int:number>/report.<str:fmt>", views.version_file, name="file"),
]
