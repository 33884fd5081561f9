"""The counselling endpoints under /api/v1/counselling/: find counsellors and their free slots, verify one's
identity, book (hold, then confirm), follow, cancel and reschedule appointments; counsellors record
attendance; the desk waives no-shows.

Each action finds the appointment among those the user may see (404 otherwise), validates its input with one
serializer, calls its one service and answers the appointment as it now stands. Refusals become JSON in the
API's one exception handler (``core.api``): a lost race for a slot is a 409 ``slot_taken``.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer, ReadsBodyMixin
from privacy.models import AccessLogEntry
from privacy.services import access_log_record

from . import serializers as io
from . import services
from .models import Appointment, BookingRestriction
from .permissions import is_counselling_staff
from .selectors import (
    appointment_get_for_user,
    appointments_visible,
    booking_eligibility,
    counsellor_for_user,
    counsellor_free_slots,
    counsellor_get_bookable,
    counsellors_find,
    identity_for_user,
    intake_for,
    penalties_of_counsellor,
    record_get_for_reading,
    records_list,
)

TAGS = ["counselling"]
REFERENCE = OpenApiParameter(
    "reference", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("The appointment's reference.")
)
ERRORS = {
    400: OpenApiResponse(description=_("Invalid input ({field: [messages]}), or a rule refuses it.")),
    403: OpenApiResponse(ErrorSerializer, description=_("This user may not do this (or may not book yet).")),
    404: OpenApiResponse(ErrorSerializer, description=_("No such record, or not one this user may see.")),
    409: OpenApiResponse(
        ErrorSerializer, description=_("The time was taken, or the state does not allow it.")
    ),
}


class SoonestLast(CursorPagination):
    ordering = ("-starts_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class RecordsNewestFirst(CursorPagination):
    ordering = ("-session_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class ByName(CursorPagination):
    ordering = ("public_name", "id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def _answer(request: Request, reference: str, *, code: int = status.HTTP_200_OK) -> Response:
    appointment = appointment_get_for_user(user=request.user, reference=reference)
    if is_counselling_staff(request.user):
        access_log_record(
            actor=request.user,
            subject=appointment.client,
            record=appointment,
            fields=("client", "starts_at"),
            channel=AccessLogEntry.Channel.API,
            screen=f"api:{request.resolver_match.view_name}",
        )
    return Response(io.AppointmentSerializer(appointment).data, status=code)


class CounsellorListAPI(generics.ListAPIView):
    """Bookable counsellors, by name; filter by a speciality's code and a language."""

    serializer_class = io.CounsellorSerializer
    pagination_class = ByName
    filter_backends = []

    def get_queryset(self):
        return counsellors_find(
            speciality=self.request.query_params.get("speciality", ""),
            language=self.request.query_params.get("language", ""),
        )

    @extend_schema(
        tags=TAGS,
        summary=_("Find counsellors"),
        parameters=[
            OpenApiParameter("speciality", OpenApiTypes.STR, description=_("A speciality's code.")),
            OpenApiParameter("language", OpenApiTypes.STR, description=_("A language code (zh, yue, en).")),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CounsellorDetailAPI(APIView):
    @extend_schema(
        tags=TAGS, summary=_("Read a counsellor's public profile"), responses={200: io.CounsellorSerializer}
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(io.CounsellorSerializer(counsellor_get_bookable(pk=pk)).data)


class CounsellorSlotsAPI(APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("List a counsellor's free slots"),
        parameters=[io.SlotQuery],
        responses={200: io.SlotSerializer(many=True), 400: ERRORS[400], 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        counsellor = counsellor_get_bookable(pk=pk)
        query = io.SlotQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        slots = counsellor_free_slots(
            counsellor=counsellor, first=query.validated_data["first"], last=query.validated_data["last"]
        )
        return Response(io.SlotSerializer(slots, many=True).data)


class EligibilityAPI(APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Say whether this user may book, and why not"),
        responses={200: io.EligibilitySerializer},
    )
    def get(self, request: Request) -> Response:
        eligibility = booking_eligibility(user=request.user)
        return Response(
            {"allowed": eligibility.allowed, "reason": eligibility.reason, "message": eligibility.message}
        )


def _identity(user) -> dict:
    identity = identity_for_user(user=user)
    return {
        "verified": bool(identity and identity.is_verified),
        "code_sent": bool(identity and identity.code_hash),
    }


class IdentityAPI(ReadsBodyMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Read whether this user's identity is verified"),
        responses={200: io.IdentitySerializer},
    )
    def get(self, request: Request) -> Response:
        return Response(_identity(request.user))

    @extend_schema(
        tags=TAGS,
        summary=_("Record one's identity and send a code to the mobile number"),
        request=io.IdentityStartInput,
        responses={200: io.IdentitySerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = io.IdentityStartInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.identity_verification_start(user=request.user, actor=request.user, **data.validated_data)
        return Response(_identity(request.user))


class IdentityConfirmAPI(ReadsBodyMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Confirm one's identity with the code sent"),
        request=io.IdentityConfirmInput,
        responses={200: io.IdentitySerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = io.IdentityConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.identity_verification_confirm(
            user=request.user, code=data.validated_data["code"], actor=request.user
        )
        return Response(_identity(request.user))


class AppointmentListAPI(ReadsBodyMixin, generics.ListAPIView):
    """The appointments this user may see (their own; a counsellor's theirs); and holding a slot."""

    serializer_class = io.AppointmentSerializer
    pagination_class = SoonestLast
    filter_backends = []

    def get_queryset(self):
        return appointments_visible(user=self.request.user).select_related("counsellor")

    @extend_schema(tags=TAGS, summary=_("List the appointments this user may see"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary=_("Hold a free slot for 10 minutes"),
        description=_("Confirm it with …/confirm/ before the hold runs out. A time just taken answers 409."),
        request=io.HoldInput,
        responses={201: io.AppointmentSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = io.HoldInput(data=request.data)
        data.is_valid(raise_exception=True)
        appointment = services.appointment_hold(actor=request.user, **data.validated_data)
        return _answer(request, appointment.reference, code=status.HTTP_201_CREATED)


class AppointmentDetailAPI(APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Read an appointment"),
        parameters=[REFERENCE],
        responses={200: io.AppointmentSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, reference: str) -> Response:
        return _answer(request, reference)


def _action(name, summary, service, *, request_serializer=None):
    class ActionAPI(ReadsBodyMixin, APIView):
        @extend_schema(
            tags=TAGS,
            summary=summary,
            parameters=[REFERENCE],
            request=request_serializer,
            responses={200: io.AppointmentSerializer, **ERRORS},
        )
        def post(self, request: Request, reference: str) -> Response:
            appointment = appointment_get_for_user(user=request.user, reference=reference)
            values = {}
            if request_serializer is not None:
                data = request_serializer(data=request.data)
                data.is_valid(raise_exception=True)
                values = dict(data.validated_data)
            service(appointment=appointment, actor=request.user, **values)
            return _answer(request, reference)

    ActionAPI.__name__ = ActionAPI.__qualname__ = f"Appointment{name}API"
    return ActionAPI


ACTION_VIEWS = {
    "confirm": _action("Confirm", _("Confirm a held slot"), services.appointment_confirm),
    "cancel": _action(
        "Cancel",
        _("Cancel as the client, with a reason"),
        services.appointment_cancel,
        request_serializer=io.ReasonInput,
    ),
    "reschedule": _action(
        "Reschedule",
        _("Move to another free slot"),
        services.appointment_reschedule,
        request_serializer=io.RescheduleInput,
    ),
    "cancel-by-counsellor": _action(
        "CancelByCounsellor",
        _("Cancel as the counsellor, with a reason"),
        services.appointment_cancel_by_counsellor,
        request_serializer=io.ReasonInput,
    ),
    "complete": _action("Complete", _("Record that the client attended"), services.appointment_complete),
    "no-show": _action(
        "NoShow", _("Record that the client did not attend"), services.appointment_mark_no_show
    ),
    "waive": _action(
        "Waive",
        _("Waive a no-show with a reason code"),
        services.appointment_waive_no_show,
        request_serializer=io.WaiverInput,
    ),
}


class RestrictionAppealAPI(ReadsBodyMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Appeal against a limit on new bookings"),
        request=io.RestrictionAppealInput,
        responses={201: OpenApiResponse(description=_("The appeal was filed.")), **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        restriction = get_object_or_404(BookingRestriction, pk=pk, client=request.user)
        data = io.RestrictionAppealInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.restriction_appeal_file(
            restriction=restriction, text=data.validated_data["text"], actor=request.user
        )
        return Response(status=status.HTTP_201_CREATED)


# --- Session records, intake, ratings, penalties ----------------------------------------------------------

API = AccessLogEntry.Channel.API


class RecordListAPI(generics.ListAPIView):
    """The session records this user may read now (their own as a counsellor; a supervisor's granted ones),
    without their notes."""

    serializer_class = io.SessionRecordListSerializer
    pagination_class = RecordsNewestFirst
    filter_backends = []

    def get_queryset(self):
        return records_list(user=self.request.user)

    @extend_schema(tags=TAGS, summary=_("List the session records this user may read now"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RecordDetailAPI(APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Read a session record (logged with its purpose)"),
        responses={200: io.SessionRecordReadSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        record, purpose = record_get_for_reading(user=request.user, pk=pk)
        services.session_record_read(
            record=record, purpose=purpose, actor=request.user, channel=API, screen="api:counselling-record"
        )
        return Response(io.SessionRecordReadSerializer({"record": record, "purpose": purpose}).data)


def _counsellors_appointment(request: Request, reference: str):
    counsellor = counsellor_for_user(user=request.user)
    return get_object_or_404(
        Appointment.objects.select_related("counsellor", "client"), counsellor=counsellor, reference=reference
    )


def _clients_appointment(request: Request, reference: str):
    appointment = appointment_get_for_user(user=request.user, reference=reference)
    if appointment.client_id != request.user.pk:
        raise Http404
    return appointment


class AppointmentRecordAPI(ReadsBodyMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Write the record of an attended session, as its counsellor"),
        description=_("A risk flag tells the safety officer at once and opens an urgent safety case."),
        parameters=[REFERENCE],
        request=io.SessionRecordInput,
        responses={200: io.SessionRecordListSerializer, **ERRORS},
    )
    def post(self, request: Request, reference: str) -> Response:
        appointment = _counsellors_appointment(request, reference)
        data = io.SessionRecordInput(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.session_record_write(
            appointment=appointment, actor=request.user, **data.validated_data
        )
        return Response(io.SessionRecordListSerializer(record).data)


class AppointmentIntakeAPI(ReadsBodyMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Read one's intake answers for this appointment's counsellor"),
        parameters=[REFERENCE],
        responses={200: io.IntakeSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, reference: str) -> Response:
        appointment = _clients_appointment(request, reference)
        intake = intake_for(client=request.user, counsellor=appointment.counsellor)
        if intake is None:
            raise Http404
        return Response(io.IntakeSerializer(intake).data)

    @extend_schema(
        tags=TAGS,
        summary=_("Answer the intake questions before the session"),
        parameters=[REFERENCE],
        request=io.IntakeInput,
        responses={200: io.IntakeSerializer, **ERRORS},
    )
    def post(self, request: Request, reference: str) -> Response:
        appointment = _clients_appointment(request, reference)
        data = io.IntakeInput(data=request.data)
        data.is_valid(raise_exception=True)
        intake = services.intake_answer(appointment=appointment, actor=request.user, **data.validated_data)
        return Response(io.IntakeSerializer(intake).data)


class AppointmentRatingAPI(ReadsBodyMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Rate an attended session, once"),
        parameters=[REFERENCE],
        request=io.SessionRatingInput,
        responses={201: io.SessionRatingSerializer, **ERRORS},
    )
    def post(self, request: Request, reference: str) -> Response:
        appointment = _clients_appointment(request, reference)
        data = io.SessionRatingInput(data=request.data)
        data.is_valid(raise_exception=True)
        rating = services.appointment_rate(appointment=appointment, actor=request.user, **data.validated_data)
        return Response(io.SessionRatingSerializer(rating).data, status=status.HTTP_201_CREATED)


class PenaltyListAPI(generics.ListAPIView):
    """The penalties recorded on the counsellor's own profile."""

    serializer_class = io.PenaltySerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return penalties_of_counsellor(counsellor=counsellor_for_user(user=self.request.user))

    @extend_schema(tags=TAGS, summary=_("List the penalties on one's counsellor profile"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PenaltyReplyAPI(ReadsBodyMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Reply to a penalty, once"),
        request=io.PenaltyReplyInput,
        responses={200: io.PenaltySerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        counsellor = counsellor_for_user(user=request.user)
        penalty = get_object_or_404(penalties_of_counsellor(counsellor=counsellor), pk=pk)
        data = io.PenaltyReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        penalty = services.counsellor_penalty_reply(
            penalty=penalty, text=data.validated_data["text"], actor=request.user
        )
        return Response(io.PenaltySerializer(penalty).data)
