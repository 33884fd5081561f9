from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("my-evaluations/", views.my_evaluations, name="my-evaluations"),
    path("my-evaluations/comments/<int:rating_id>/reply/", views.comment_reply, name="comment-reply"),
    path("enrolments/<int:enrolment_id>/evaluate/", views.evaluation_new, name="evaluate"),
    path("suggestions/<str:reference>/", views.suggestion_detail, name="suggestion"),
    path("suggestions/<str:reference>/support/", views.suggestion_support_view, name="suggestion-support"),
    path(
        "suggestions/<str:reference>/answer/<slug:move>/",
        views.suggestion_answer_view,
        name="suggestion-answer",
    ),
    path(
        "suggestions/<str:reference>/attachments/<int:attachment_id>/",
        views.suggestion_attachment,
        name="suggestion-attachment",
    ),
    path("<str:code>/", views.course_page, name="course"),
    path("<str:code>/suggest/", views.course_suggest, name="suggest"),
]
