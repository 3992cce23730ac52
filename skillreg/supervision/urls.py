from django.urls import path

from . import views, views_ratings

app_name = "supervision"
urlpatterns = [
    path("", views.home, name="home"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("inspectors/new/", views.inspector_new, name="inspector_new"),
    path("inspectors/<int:entry_id>/conflicts/", views.conflict_new, name="conflict_new"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("credit/publish/", views.credit_publish_view, name="credit_publish"),
    path("objections/<int:pk>/", views.objection_detail, name="objection"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/statistics/", views.complaint_statistics, name="complaint_statistics"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/record.pdf", views.inspection_record_pdf, name="inspection_record"),
    path("rectifications/", views.rectification_list, name="rectifications"),
    path("rectifications/new/", views.rectification_new, name="rectification_new"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification"),
    path("ratings/", views_ratings.ratings, name="ratings"),
    path("ratings/cases/<int:pk>/", views_ratings.rate_case, name="rate_case"),
    path("ratings/followups/<int:pk>/", views_ratings.followup_detail, name="followup"),
    path("exports/<str:kind>.xlsx", views_ratings.export_xlsx, name="export"),
]
