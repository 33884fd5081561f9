"""The survey endpoints under /api/v1/surveys/: a learner's invitations and answers; staff's response rates
and results (instructors their own, above the threshold)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer, ReadsBodyMixin

from .answers import InvalidAnswers, answer_slots, answers_clean
from .permissions import instructor_reach
from .selectors import (
    invitation_get_for_user,
    invitations_for_user,
    survey_get_for_user,
    survey_response_rates,
    survey_results,
)
from .serializers import (
    AnswersInput,
    InvitationDetailSerializer,
    InvitationSerializer,
    RateSerializer,
    ResultQuery,
    ResultSerializer,
)
from .services import may_manage_surveys, response_submit

TAGS = ["surveys"]
ERRORS = {
    400: OpenApiResponse(description=_("Invalid input: {answers: {slot key: [messages]}}.")),
    404: OpenApiResponse(ErrorSerializer, description=_("No such record, or not one this user may see.")),
    409: OpenApiResponse(ErrorSerializer, description=_("Already answered, or the survey is not open.")),
}


class NewestFirst(CursorPagination):
    ordering = ("-id",)
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class InvitationListAPI(generics.ListAPIView):
    """The learner's own survey invitations."""

    serializer_class = InvitationSerializer
    pagination_class = NewestFirst
    filter_backends = []

    def get_queryset(self):
        return invitations_for_user(user=self.request.user).filter(learner=self.request.user).order_by()

    @extend_schema(tags=TAGS, summary=_("List my survey invitations"))
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class InvitationDetailAPI(APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Read one invitation and its questions"),
        responses={200: InvitationDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        invitation = invitation_get_for_user(user=request.user, pk=pk)
        slots = answer_slots(survey=invitation.survey, course_id=invitation.course_id)
        return Response(InvitationDetailSerializer(invitation, context={"slots": slots}).data)


class InvitationAnswerAPI(ReadsBodyMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Answer a survey, once per course"),
        description=_(
            "The answers are stored without the learner's name; the invitation is marked answered."
        ),
        request=AnswersInput,
        responses={201: InvitationSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        invitation = invitation_get_for_user(user=request.user, pk=pk)
        data = AnswersInput(data=request.data)
        data.is_valid(raise_exception=True)
        slots = answer_slots(survey=invitation.survey, course_id=invitation.course_id)
        try:
            cleaned = answers_clean(slots=slots, raw=data.validated_data["answers"])
        except InvalidAnswers as refused:
            raise ValidationError({"answers": refused.errors}) from refused
        invitation = response_submit(invitation=invitation, answers=cleaned, actor=request.user)
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class SurveyRatesAPI(APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Response rates per course and class"),
        responses={200: RateSerializer(many=True), 403: ErrorSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        if not may_manage_surveys(request.user):
            raise PermissionDenied
        survey = survey_get_for_user(user=request.user, pk=pk)
        return Response(RateSerializer(survey_response_rates(survey=survey), many=True).data)


class SurveyResultsAPI(APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Mean agreement per course, instructor or class"),
        description=_(
            "Groups smaller than the survey's threshold come back suppressed, without figures. "
            "An instructor sees only their own courses, and per instructor only themselves."
        ),
        parameters=[ResultQuery],
        responses={200: ResultSerializer(many=True), 403: ErrorSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        if not may_manage_surveys(request.user) and not instructor_reach(request.user)[1]:
            raise PermissionDenied
        survey = survey_get_for_user(user=request.user, pk=pk)
        query = ResultQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        by = query.validated_data.get("by", "course")
        if may_manage_surveys(request.user):
            rows = survey_results(surveys=[survey.pk], by=by)
        else:
            instructors, courses = instructor_reach(request.user)
            rows = [
                row
                for row in survey_results(
                    surveys=[survey.pk],
                    by=by,
                    instructor_ids=list(instructors) if by == "instructor" else None,
                )
                if row.course_id in courses
            ]
        return Response(ResultSerializer(rows, many=True).data)
