from django.urls import path

from . import views, views_imports

app_name = "certificates"
urlpatterns = [
    path("", views.certificate_list, name="list"),
    path("export.csv", views.certificate_export, name="export"),
    path("c/<str:number>/", views.certificate_detail, name="detail"),
    path("c/<str:number>/revoke/", views.certificate_revoke, name="revoke"),
    path("batches/", views.batch_list, name="batches"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("template.<str:fmt>", views_imports.template_download, name="template"),
    path("imports/", views_imports.import_list, name="imports"),
    path("imports/<uuid:public_id>/", views_imports.import_detail, name="import"),
    path("imports/<uuid:public_id>/progress.json", views_imports.import_progress_json, name="import_progress"),
    path("imports/<uuid:public_id>/errors.xlsx", views_imports.import_errors, name="import_errors"),
    path("imports/<uuid:public_id>/start/", views_imports.import_start, name="import_start"),
]
