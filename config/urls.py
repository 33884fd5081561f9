from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.api import PersonDetailAPI
from core import health, views
from dashboard.api import ReportSummaryAPI
from privacy.api import MyAccessLogAPI

admin.site.site_header = _("Learner-rights platform: staff workspace")
admin.site.site_title = _("Staff workspace")
admin.site.index_title = _("Work queue and records")

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("people/<int:pk>/", PersonDetailAPI.as_view(), name="people-detail"),
    path("me/access-log/", MyAccessLogAPI.as_view(), name="my-access-log"),
    path("reports/summary/", ReportSummaryAPI.as_view(), name="reports-summary"),
    path("", include("complaints.api.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("privacy/", include("privacy.urls")),
    path("complaints/", include("complaints.urls")),
    path("notifications/", include("notifications.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
]

if settings.BENCH_URLS:
    from core import benchmark

    urlpatterns.append(path("bench/trivial/", benchmark.trivial_form, name="bench-trivial"))
