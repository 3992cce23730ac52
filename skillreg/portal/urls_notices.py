from django.urls import path

from . import views_notices as views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("objections/status/", views.objection_status, name="objection_status"),
    path("draws/<int:pk>/verify/", views.draw_verify, name="draw_verify"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/status/", views.complaint_status, name="complaint_status"),
    path("credit/<str:code>/", views.credit_history, name="credit"),
]
