from csp.constants import SELF
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api import PersonDetailAPI
from core import health, views
from dashboard.api import ReportSummaryAPI
from feedback.analysis.api import FeedbackAnalysisAPI
from incentives.api import MyAwardsAPI, MyPointsAPI, MyRewardsAPI
from privacy.admin import LoggedAutocompleteJsonView
from privacy.api import MyAccessLogAPI
from reviews.api import ReviewDecisionCompleteAPI, ReviewDetailAPI, ReviewListAPI

admin.site.site_header = _("Learner-rights platform: staff workspace")
admin.site.site_title = _("Staff workspace")
admin.site.index_title = _("Work queue and records")

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file of its own: the CSP allows no inline script.
    # Swagger UI draws its icons as data: images, allowed on this page only.
    path(
        "docs/",
        csp_update({"img-src": [SELF, "data:"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api_docs.html")
        ),
        name="api-docs",
    ),
    path("people/<int:pk>/", PersonDetailAPI.as_view(), name="people-detail"),
    path("me/access-log/", MyAccessLogAPI.as_view(), name="my-access-log"),
    path("reports/summary/", ReportSummaryAPI.as_view(), name="reports-summary"),
    path("me/points/", MyPointsAPI.as_view(), name="my-points"),
    path("me/points/awards/", MyAwardsAPI.as_view(), name="my-awards"),
    path("me/rewards/", MyRewardsAPI.as_view(), name="my-rewards"),
    path("reviews/", ReviewListAPI.as_view(), name="review-list"),
    path("reviews/<int:pk>/", ReviewDetailAPI.as_view(), name="review-detail"),
    path(
        "review-decisions/<int:pk>/complete/",
        ReviewDecisionCompleteAPI.as_view(),
        name="review-decision-complete",
    ),
    path("feedback/analysis/", FeedbackAnalysisAPI.as_view(), name="feedback-analysis"),
    path("", include("complaints.api.urls")),
    path("", include("feedback.api_urls")),
    path("", include("counseling.api_urls")),
    path("surveys/", include("surveys.api_urls")),
    path("", include("refunds.api_urls")),
    path("", include("courses.api_urls")),
    path("", include("qualifications.api_urls")),
    path("", include("activities.api_urls")),
    path("", include("helpcentre.api_urls")),
    path("", include("community.api_urls")),
    path("", include("livechat.api_urls")),
]

handler404 = "core.views.page_not_found"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("healthz/live", health.healthz_live, name="healthz-live"),
    path("healthz/ready", health.healthz_ready, name="healthz-ready"),
    path("accounts/", include("accounts.urls")),
    path("privacy/", include("privacy.urls")),
    path("complaints/", include("complaints.urls")),
    path("feedback/", include("feedback.urls")),
    path("counselling/", include("counseling.urls")),
    path("notifications/", include("notifications.urls")),
    path("surveys/", include("surveys.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("points/", include("incentives.urls")),
    path("reviews/", include("reviews.urls")),
    path("qualifications/", include("qualifications.urls")),
    path("refunds/", include("refunds.urls")),
    path("courses/", include("courses.urls")),
    path("activities/", include("activities.urls")),
    path("help/", include("helpcentre.urls")),
    path("community/", include("community.urls")),
    path("chat/", include("livechat.urls")),
    # Before the admin's own: the same address (widgets reverse admin:autocomplete), its reads logged. Asked
    # by POST only: a GET is refused before the admin would send it to log in with its term in the address.
    path(
        "admin/autocomplete/",
        require_POST(admin.site.admin_view(LoggedAutocompleteJsonView.as_view(admin_site=admin.site))),
        name="admin-autocomplete-logged",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
]

if settings.BENCH_URLS:
    from core import benchmark

    urlpatterns.append(path("bench/trivial/", benchmark.trivial_form, name="bench-trivial"))
