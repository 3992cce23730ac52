from django.urls import path

from . import views_applicant as v
from . import views_reveal
from .views_common import material_download

app_name = "apply"
urlpatterns = [
    path("", v.application_list, name="list"),
    path("new/", v.application_edit, name="new"),
    path("<uuid:pid>/", v.application_detail, name="detail"),
    path("<uuid:pid>/edit/", v.application_edit, name="edit"),
    path("<uuid:pid>/materials/", v.material_upload, name="upload"),
    path("<uuid:pid>/materials/<int:mid>/", material_download, name="material"),
    path("<uuid:pid>/self-check/", v.application_self_check, name="self_check"),
    path("<uuid:pid>/submit/", v.application_submit, name="submit"),
    path("<uuid:pid>/withdraw/", v.application_withdraw, name="withdraw"),
    path("<uuid:pid>/reveal/<slug:field>/", views_reveal.applicant_reveal, name="reveal"),
]
