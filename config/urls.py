from django.contrib import admin
from django.urls import include, path

from skillreg.api import api

urlpatterns = [
    # First: the public API (certificate verification) is the busiest path, and resolving stops at the first match.
    path("api/v1/", api.urls),
    path("", include("skillreg.core.urls")),
    path("accounts/", include("skillreg.accounts.urls")),
    path("apply/", include("skillreg.applications.urls_applicant")),
    path("staff/deadlines/", include("skillreg.deadlines.urls")),
    path("staff/dashboards/", include("skillreg.dashboards.urls")),
    path("inbox/", include("skillreg.notifications.urls")),
    path("staff/", include("skillreg.applications.urls_staff")),
    path("directory/", include("skillreg.portal.urls")),
    path("notices/", include("skillreg.portal.urls_notices")),
    path("supervision/", include("skillreg.supervision.urls")),
    path("quality/", include("skillreg.quality.urls")),
    path("appraisals/", include("skillreg.appraisals.urls")),
    path("filings/", include("skillreg.institutions.urls")),
    path("verify/", include("skillreg.certificates.urls_public")),
    path("certificates/", include("skillreg.certificates.urls")),
    path("evaluations/", include("skillreg.evaluations.urls")),
    path("documents/", include("skillreg.documents.urls")),
    path("annual-reports/", include("skillreg.annualreports.urls")),
    path("audit/", include("skillreg.audit.urls")),
    path("sysadmin/", admin.site.urls),
]
