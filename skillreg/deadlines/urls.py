from django.urls import path

from . import views

app_name = "deadlines"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/<uuid:pid>/", views.case_timeline, name="case"),
    path("confirmations/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("confirmations/<int:pk>/dismiss/", views.dismiss, name="dismiss"),
]
