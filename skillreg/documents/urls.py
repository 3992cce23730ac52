from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("receipt/<str:code>.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("receipt/<str:code>/", views.receipt, name="receipt"),
    path("notices/<uuid:pid>/", views.notices, name="notices"),
    path("notices/<uuid:pid>/<str:key>.<str:fmt>", views.notice_file, name="notice_file"),
]
