from django.urls import path

from . import views

app_name = "filings"
urlpatterns = [
    path("", views.filing_list, name="list"),
    path("<str:code>/", views.filing_detail, name="detail"),
    path("<str:code>/apply/<str:kind>/", views.filing_apply, name="apply"),
    path("<str:code>/submit/<uuid:pid>/", views.filing_submit, name="submit"),
    path("<str:code>/exit/", views.filing_exit, name="exit"),
    path("<str:code>/order-exit/", views.filing_order_exit, name="order_exit"),
    path("<str:code>/wrap-up/<int:exit_id>/", views.filing_wrap_up, name="wrap_up"),
    path("<str:code>/cancel/", views.filing_cancel, name="cancel"),
    path("<str:code>/termination-notice.pdf", views.termination_notice_pdf, name="termination_notice"),
]
