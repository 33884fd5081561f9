from django.urls import path

from . import views
from .analysis import views as analysis_views

app_name = "feedback"

urlpatterns = [
    path("", views.feedback_list, name="list"),
    path("new/", views.feedback_new, name="new"),
    path("analysis/", analysis_views.analysis_page, name="analysis"),
    path("analysis.csv", analysis_views.analysis_csv, name="analysis-csv"),
    path("follow/<str:reference>/<str:key>/", views.feedback_follow, name="follow"),
    path(
        "follow/<str:reference>/<str:key>/attachments/<int:attachment_id>/",
        views.feedback_follow_attachment,
        name="follow-attachment",
    ),
    path("<str:reference>/", views.feedback_detail, name="detail"),
    path("<str:reference>/rate/", views.feedback_rate_view, name="rate"),
    path("<str:reference>/attachments/<int:attachment_id>/", views.feedback_attachment, name="attachment"),
]
