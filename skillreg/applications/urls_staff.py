from django.urls import path

from . import views_reveal
from . import views_staff as v
from .views_common import material_download

app_name = "staff"
urlpatterns = [
    path("", v.worklist, name="worklist"),
    path("cases/<uuid:pid>/", v.case_detail, name="case"),
    path("cases/<uuid:pid>/act/<slug:action>/", v.case_action, name="act"),
    path("cases/<uuid:pid>/materials/<int:mid>/", material_download, name="material"),
    path("cases/<uuid:pid>/reveal/<slug:field>/", views_reveal.staff_reveal, name="reveal"),
    path("assessments/", v.my_assessments, name="my_assessments"),
    path("assessments/<int:pk>/", v.assessment_detail, name="assessment"),
]
