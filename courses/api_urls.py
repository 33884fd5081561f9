"""The course endpoints under /api/v1/: courses by code, suggestions by reference, evaluations by id."""

from django.urls import path

from . import api

COURSE = "courses/<str:code>/"
SUGGESTION = "course-suggestions/<str:reference>/"

urlpatterns = [
    path("me/evaluation-results/", api.MyEvaluationResultsAPI.as_view(), name="my-evaluation-results"),
    path(
        "course-comments/<int:rating_id>/reply/", api.CommentReplyAPI.as_view(), name="course-comment-reply"
    ),
    path(
        "enrolments/<int:enrolment_id>/evaluation/", api.EvaluationAPI.as_view(), name="enrolment-evaluation"
    ),
    path(COURSE, api.CourseDetailAPI.as_view(), name="course-detail"),
    path(f"{COURSE}comments/", api.CourseCommentsAPI.as_view(), name="course-comments"),
    path(f"{COURSE}versions/", api.CourseVersionsAPI.as_view(), name="course-versions"),
    path(f"{COURSE}suggestions/", api.CourseSuggestionsAPI.as_view(), name="course-suggestions"),
    path(SUGGESTION, api.SuggestionDetailAPI.as_view(), name="course-suggestion-detail"),
    *(
        path(f"{SUGGESTION}{name}/", view.as_view(), name=f"course-suggestion-{name}")
        for name, view in api.ACTION_VIEWS.items()
    ),
]
