"""Pieces every complaint endpoint shares: paging, the reference in the path, error documentation, and the
answer that carries a complaint back to its reader (leaving an access-log row when staff read it)."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from complaints.models import Complaint
from complaints.selectors import complaint_get_for_user
from complaints.serializers import ComplaintDetailSerializer
from core.api import ErrorSerializer
from privacy.models import AccessLogEntry
from privacy.services import access_log_record

# The parts of a complaint that hold the complainant's personal data, named in the access log.
COMPLAINT_PERSONAL_DATA = ("complainant", "learner", "title", "description", "timeline", "attachments")
# What a list of complaints shows of each (ComplaintSummarySerializer).
COMPLAINT_LISTED_DATA = ("reference", "complainant", "learner", "title", "state")


class NewestFirstPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class ByCodePagination(CursorPagination):
    ordering = ("code",)
    page_size = 25


REFERENCE = OpenApiParameter(
    "reference",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=_("The complaint's reference number, such as TS-2026-000123."),
)

NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("No such record, or not one this user may see."))
ERRORS = {
    400: OpenApiResponse(
        description=_(
            "Invalid input ({field: [messages]}), or a rule refuses it "
            "({code, detail} and {field: [message]})."
        )
    ),
    403: OpenApiResponse(
        ErrorSerializer, description=_("This user may not do this, or the complaint is about them.")
    ),
    404: NOT_FOUND,
    409: OpenApiResponse(ErrorSerializer, description=_("The complaint's state does not allow this.")),
}


def reads_are_logged(request: Request) -> bool:
    """Say whether this reader's reads of complaints go into the access log: staff reads do."""
    return request.user.is_staff_member


def complaint_read_record(request: Request, complaint: Complaint) -> None:
    """Write the access-log row for a staff member's read of the complaint (none for their own)."""
    if reads_are_logged(request):
        access_log_record(
            actor=request.user,
            subject=complaint.complainant,
            record=complaint,
            fields=COMPLAINT_PERSONAL_DATA,
            channel=AccessLogEntry.Channel.API,
            screen=f"api:{request.resolver_match.view_name}",
        )


def complaint_answer(request: Request, *, reference: str) -> Response:
    """Answer an action with the complaint as it now stands, as this user may see it.

    An action can take the complaint out of the actor's sight (a supervisor assigns it to another
    department): then the answer is 204 with no body.
    """
    try:
        complaint = complaint_get_for_user(user=request.user, reference=reference)
    except Http404:
        return Response(status=status.HTTP_204_NO_CONTENT)
    data = ComplaintDetailSerializer(complaint, context={"request": request}).data
    complaint_read_record(request, complaint)
    return Response(data)
