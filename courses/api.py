"""The course endpoints under /api/v1/: a course's public page, comments, change log and suggestions (anyone
may read them); proposing, supporting and answering suggestions; evaluating an enrolment; an instructor's
results and public replies. Each finds what it acts on through a selector (404 otherwise), validates with one
serializer and calls one service."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import Role
from core.api import ErrorSerializer, ReadsBodyMixin
from ratings.selectors import comments_published, summary_published
from ratings.serializers import PublishedCommentSerializer
from ratings.services import rating_reply

from . import serializers as io
from .evaluations.selectors import (
    course_comment_get,
    enrolment_get_for_evaluation,
    evaluation_eligibility,
    evaluation_questions,
    evaluation_results,
    evaluation_template_for,
    instructor_course_ids,
    instructor_for_user,
)
from .evaluations.services import evaluation_submit
from .permissions import may_answer_suggestions
from .selectors import course_get_public
from .suggestions import services as suggestion_services
from .suggestions.selectors import (
    course_change_log,
    suggestion_get,
    suggestion_reading,
    suggestions_open_for_course,
)
from .suggestions.workflow import allowed_transitions

TAGS = ["courses"]
ACTION_TAGS = ["course suggestion actions"]
CODE = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("The course's code."))
REFERENCE = OpenApiParameter(
    "reference", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("The suggestion's reference.")
)
ERRORS = {
    400: OpenApiResponse(description=_("Invalid input ({field: [messages]}), or a rule refuses it.")),
    403: OpenApiResponse(ErrorSerializer, description=_("This user may not do this.")),
    404: OpenApiResponse(ErrorSerializer, description=_("No such record, or not one this user may reach.")),
    409: OpenApiResponse(ErrorSerializer, description=_("The record's state does not allow this.")),
}


class Pages(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class CourseDetailAPI(APIView):
    """A course's public page: what it is, who teaches it, and its rating once published."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS, summary=_("Read a course"), parameters=[CODE], responses={200: io.PublicCourseSerializer}
    )
    def get(self, request: Request, code: str) -> Response:
        course = course_get_public(code=code)
        course.rating = summary_published(course)
        return Response(io.PublicCourseSerializer(course).data)


class CourseCommentsAPI(generics.ListAPIView):
    """A course's published comments and the instructors' replies, without who wrote them."""

    permission_classes = [AllowAny]
    serializer_class = PublishedCommentSerializer
    pagination_class = Pages
    filter_backends = []

    def get_queryset(self):
        return comments_published(course_get_public(code=self.kwargs["code"]))

    @extend_schema(tags=TAGS, summary=_("List a course's published comments"), parameters=[CODE])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CourseVersionsAPI(generics.ListAPIView):
    """A course's change log: its versions, newest first, with the suggestions that landed in each."""

    permission_classes = [AllowAny]
    serializer_class = io.CourseVersionSerializer
    pagination_class = Pages
    filter_backends = []

    def get_queryset(self):
        return course_change_log(course=course_get_public(code=self.kwargs["code"]))

    @extend_schema(tags=TAGS, summary=_("List a course's change log"), parameters=[CODE])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _reader(request: Request):
    return request.user if request.user.is_authenticated else None


def _suggestion_answer(request: Request, reference: str, *, code: int = status.HTTP_200_OK) -> Response:
    suggestion = suggestion_get(reference=reference, user=_reader(request))
    reading = suggestion_reading(suggestion=suggestion, user=_reader(request))
    actions = [str(move) for move in allowed_transitions(state=suggestion.state)] if reading.is_owner else []
    context = {"reading": reading, "actions": actions}
    return Response(io.SuggestionDetailSerializer(suggestion, context=context).data, status=code)


class CourseSuggestionsAPI(ReadsBodyMixin, generics.ListAPIView):
    """A course's open suggestions, most supported first; and proposing one (learners of the course)."""

    permission_classes = [AllowAny]
    serializer_class = io.SuggestionSerializer
    pagination_class = Pages
    filter_backends = []

    def get_queryset(self):
        course = course_get_public(code=self.kwargs["code"])
        return suggestions_open_for_course(course=course, user=_reader(self.request)).select_related(
            "course", "version"
        )

    @extend_schema(tags=TAGS, summary=_("List a course's open suggestions"), parameters=[CODE])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary=_("Propose an update of the course"),
        parameters=[CODE],
        request=io.SuggestionProposeInput,
        responses={201: io.SuggestionDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, code: str) -> Response:
        if not request.user.is_authenticated:
            raise PermissionDenied
        course = course_get_public(code=code)
        data = io.SuggestionProposeInput(data=request.data)
        data.is_valid(raise_exception=True)
        made = suggestion_services.suggestion_propose(
            course=course, actor=request.user, **data.validated_data
        )
        return _suggestion_answer(request, made.reference, code=status.HTTP_201_CREATED)


class SuggestionDetailAPI(APIView):
    """One suggestion and its public history; the owners also get the answers they may give."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        summary=_("Read a course-update suggestion"),
        parameters=[REFERENCE],
        responses={200: io.SuggestionDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, reference: str) -> Response:
        return _suggestion_answer(request, reference)


def _action(name, summary, service, *, request_serializer=None, owners_only=True):
    class ActionAPI(ReadsBodyMixin, APIView):
        permission_classes = [IsAuthenticated]

        @extend_schema(
            tags=ACTION_TAGS,
            summary=summary,
            description=_("Answers the suggestion as it now stands."),
            parameters=[REFERENCE],
            request=request_serializer,
            responses={200: io.SuggestionDetailSerializer, **ERRORS},
        )
        def post(self, request: Request, reference: str) -> Response:
            suggestion = suggestion_get(reference=reference, user=request.user)
            if owners_only and not may_answer_suggestions(request.user, suggestion.course):
                raise PermissionDenied  # before the body is read: an outsider learns nothing of its rules
            values = {}
            if request_serializer is not None:
                data = request_serializer(data=request.data)
                data.is_valid(raise_exception=True)
                values = dict(data.validated_data)
            service(suggestion=suggestion, actor=request.user, **values)
            return _suggestion_answer(request, reference)

    ActionAPI.__name__ = ActionAPI.__qualname__ = f"Suggestion{name}API"
    return ActionAPI


ACTION_VIEWS = {
    "support": _action(
        "Support",
        _("Support a suggestion (one vote each)"),
        suggestion_services.suggestion_support,
        owners_only=False,
    ),
    "accept": _action(
        "Accept",
        _("Accept a suggestion (course owners)"),
        suggestion_services.suggestion_accept,
        request_serializer=io.SuggestionNoteInput,
    ),
    "plan": _action(
        "Plan",
        _("Plan a suggestion for a coming version (course owners)"),
        suggestion_services.suggestion_plan,
        request_serializer=io.SuggestionNoteInput,
    ),
    "decline": _action(
        "Decline",
        _("Decline a suggestion with the reason (course owners)"),
        suggestion_services.suggestion_decline,
        request_serializer=io.SuggestionDeclineInput,
    ),
    "done": _action(
        "Done",
        _("Record a suggestion done in a version (course owners)"),
        suggestion_services.suggestion_mark_done,
        request_serializer=io.SuggestionDoneInput,
    ),
}

ENROLMENT = OpenApiParameter(
    "enrolment_id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("One of the learner's enrolments.")
)


class EvaluationAPI(ReadsBodyMixin, APIView):
    """Evaluating one of the learner's own enrolments: whether they may now, and sending the evaluation."""

    permission_classes = [IsAuthenticated]

    def _enrolment(self, request: Request, enrolment_id: int):
        if not request.user.has_role(Role.LEARNER):
            raise PermissionDenied
        return enrolment_get_for_evaluation(user=request.user, pk=enrolment_id)

    @extend_schema(
        tags=TAGS,
        summary=_("Whether an enrolment may be evaluated, and its questionnaire"),
        parameters=[ENROLMENT],
        responses={200: io.EvaluationOfferSerializer, **ERRORS},
    )
    def get(self, request: Request, enrolment_id: int) -> Response:
        enrolment = self._enrolment(request, enrolment_id)
        eligibility = evaluation_eligibility(enrolment=enrolment, user=request.user)
        template = evaluation_template_for(enrolment.course)
        body = {
            "allowed": eligibility.allowed,
            "code": eligibility.code,
            "reason": eligibility.reason,
            "questions": evaluation_questions(template) if template is not None else [],
        }
        return Response(io.EvaluationOfferSerializer(body).data)

    @extend_schema(
        tags=TAGS,
        summary=_("Evaluate the course of an enrolment (once)"),
        parameters=[ENROLMENT],
        request=io.EvaluationInput,
        responses={201: io.EvaluationCreatedSerializer, **ERRORS},
    )
    def post(self, request: Request, enrolment_id: int) -> Response:
        enrolment = self._enrolment(request, enrolment_id)
        data = io.EvaluationInput(data=request.data)
        data.is_valid(raise_exception=True)
        evaluation = evaluation_submit(enrolment=enrolment, actor=request.user, **data.validated_data)
        body = {"course": enrolment.course.code, "created_at": evaluation.created_at}
        return Response(io.EvaluationCreatedSerializer(body).data, status=status.HTTP_201_CREATED)


def _instructor(request: Request):
    instructor = instructor_for_user(request.user) if request.user.has_role(Role.INSTRUCTOR) else None
    if instructor is None:
        raise PermissionDenied
    return instructor


class MyEvaluationResultsAPI(generics.ListAPIView):
    """An instructor's results: per term across their courses and per course and term, lowest items first,
    only for groups the publication rule allows."""

    permission_classes = [IsAuthenticated]
    serializer_class = io.GroupResultSerializer
    pagination_class = Pages
    filter_backends = []

    def get_queryset(self):
        return evaluation_results(course_ids=instructor_course_ids(_instructor(self.request)))

    @extend_schema(tags=TAGS, summary=_("List my evaluation results (instructors)"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CommentReplyAPI(ReadsBodyMixin, APIView):
    """An instructor's public reply to a published comment on a course they teach (once)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=ACTION_TAGS,
        summary=_("Reply in public to a published comment on my course"),
        parameters=[OpenApiParameter("rating_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        request=io.CommentReplyInput,
        responses={200: PublishedCommentSerializer, **ERRORS},
    )
    def post(self, request: Request, rating_id: int) -> Response:
        course_ids = instructor_course_ids(_instructor(request))
        rating = course_comment_get(course_ids=course_ids, pk=rating_id)
        data = io.CommentReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        rating_reply(rating=rating, actor=request.user, text=data.validated_data["text"])
        course = rating.subject
        row = next(row for row in comments_published(course) if row["id"] == rating.pk)
        return Response(PublishedCommentSerializer(row).data)
