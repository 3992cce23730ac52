from django.urls import path, re_path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.directory, name="directory"),
    # /directory/export.csv, /directory/export.xlsx, or /directory/export?format=csv|xlsx
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
    path("export", views.export, name="export"),
    path("<str:code>/", views.institution, name="institution"),
]
