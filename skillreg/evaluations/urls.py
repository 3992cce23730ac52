from django.urls import path

from . import views

app_name = "evaluations"
urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("report/", views.plan_report, name="report"),
    path("calendar/", views.plan_calendar, name="calendar"),
    path("queue/", views.review_queue, name="queue"),
    path("anomalies/", views.anomaly_list, name="anomalies"),
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/report/", views.plan_report, name="report_again"),
    path("<int:pk>/acknowledge/", views.plan_acknowledge, name="acknowledge"),
    path("<int:pk>/return/", views.plan_return, name="return"),
    path("<int:pk>/withdraw/", views.plan_withdraw, name="withdraw"),
    path("<int:pk>/links/", views.plan_links, name="links"),
    path("<int:pk>/notice/", views.results_publish, name="publish"),
    path("<int:pk>/results/", views.results_file, name="results"),
    path("<int:pk>/results/accept/", views.results_accept, name="accept_results"),
    path("<int:pk>/results/return/", views.results_return, name="return_results"),
    path("<int:pk>/roster-errors.xlsx", views.roster_errors, name="roster_errors"),
    path("<int:pk>/evidence/", views.links_evidence, name="evidence"),
]
