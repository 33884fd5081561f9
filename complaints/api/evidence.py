"""Downloading an evidence file: only to those who may see it, always as a download, never sniffed."""

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from complaints.selectors import attachment_get_for_user, complaint_get_for_user
from core.evidence import evidence_response
from privacy.models import AccessLogEntry
from privacy.services import access_log_record

from .base import ERRORS, REFERENCE, reads_are_logged


class AttachmentDownloadAPI(APIView):
    """Stream one evidence file of a complaint; a staff member's download leaves a row in the access log."""

    @extend_schema(
        tags=["complaints"],
        summary=_("Download an evidence file"),
        parameters=[REFERENCE, OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description=_("The file, as a download, with its detected content type.")
            ),
            404: ERRORS[404],
        },
    )
    def get(self, request: Request, reference: str, pk: int) -> FileResponse:
        complaint = complaint_get_for_user(user=request.user, reference=reference)
        attachment = attachment_get_for_user(user=request.user, complaint=complaint, pk=pk)
        response = evidence_response(attachment)
        if reads_are_logged(request):
            access_log_record(
                actor=request.user,
                subject=complaint.complainant,
                record=attachment,
                fields=("file",),
                channel=AccessLogEntry.Channel.API,
                screen=f"api:{request.resolver_match.view_name}",
            )
        return response
