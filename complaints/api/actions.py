"""One endpoint per workflow service: ``POST /api/v1/complaints/{reference}/<action>/``.

Each view finds the complaint among those the user may see (404 otherwise), validates its input with one
serializer, calls its one service, and answers the complaint as it now stands. The services hold every rule;
their refusals become JSON in the API's exception handler (``core.api``).
"""

from collections.abc import Callable
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import services
from complaints.selectors import complaint_get_for_user, improvement_action_get_for_user, remedy_get_for_user
from complaints.serializers import (
    AffectedLearnersInput,
    AppealInput,
    ApproveInput,
    AssignInput,
    ComplainantMessageInput,
    ComplainantReplyInput,
    ComplaintDetailSerializer,
    DelegateInput,
    EvidenceInput,
    FlagInput,
    ImprovementActionInput,
    MergeInput,
    NoteInput,
    ProposeResolutionInput,
    RatingInput,
    RejectInput,
    ReplyInput,
    RequestInformationInput,
    RespondInput,
    ReturnInput,
    ReviewAppealInput,
    SatisfactionInput,
    SeverityInput,
    WithdrawInput,
)
from core.api import ReadsBodyMixin

from .base import ERRORS, REFERENCE, complaint_answer

ANSWERS = {
    200: ComplaintDetailSerializer,
    204: OpenApiResponse(description=_("Done; the action took the complaint out of this user's sight.")),
    **ERRORS,
}


ANSWERED = _("Answers the complaint as it now stands, as this user may see it.")


def action_schema(
    summary: str,
    *,
    request: type[serializers.Serializer] | None = None,
    description: str = ANSWERED,
    multipart: bool = False,
):
    """Document one action: its input, the complaint it answers, and the refusals it may meet."""
    body: Any = request
    if request is not None and multipart:
        body = {"multipart/form-data": request}
    return extend_schema(
        tags=["complaint actions"],
        summary=summary,
        description=description,
        parameters=[REFERENCE],
        request=body,
        responses=ANSWERS,
    )


class ComplaintActionAPI(ReadsBodyMixin, APIView):
    """Validate ``input_class`` and call ``service(complaint=..., actor=..., **input)``."""

    service: ClassVar[Callable[..., Any]]
    input_class: ClassVar[type[serializers.Serializer] | None] = None

    def post(self, request: Request, reference: str) -> Response:
        complaint = complaint_get_for_user(user=request.user, reference=reference)
        self.call_service(complaint=complaint, actor=request.user, **self.validated_input(request))
        return complaint_answer(request, reference=reference)

    def validated_input(self, request: Request) -> dict[str, Any]:
        if self.input_class is None:
            return {}
        given = self.input_class(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        return dict(given.validated_data)

    def call_service(self, **arguments) -> None:
        type(self).service(**arguments)


@action_schema(_("Acknowledge: take the complaint on and become its owner"))
class AcknowledgeAPI(ComplaintActionAPI):
    service = services.complaint_acknowledge


@action_schema(_("Start the investigation"))
class StartInvestigationAPI(ComplaintActionAPI):
    service = services.complaint_start_investigation


@action_schema(
    _("Assign to another department or colleague"),
    request=AssignInput,
    description=_("For the department's supervisor and the leadership group."),
)
class AssignAPI(ComplaintActionAPI):
    service = services.complaint_assign
    input_class = AssignInput


@action_schema(_("Delegate to a colleague outside the department"), request=DelegateInput)
class DelegateAPI(ComplaintActionAPI):
    service = services.complaint_delegate
    input_class = DelegateInput


@action_schema(_("Reply to the complainant"), request=ReplyInput)
class ReplyAPI(ComplaintActionAPI):
    service = services.complaint_add_public_reply
    input_class = ReplyInput


@action_schema(_("Add an internal note"), request=NoteInput)
class NoteAPI(ComplaintActionAPI):
    service = services.complaint_add_internal_note
    input_class = NoteInput


@action_schema(_("Ask the complainant for information"), request=RequestInformationInput)
class RequestInformationAPI(ComplaintActionAPI):
    service = services.complaint_request_information
    input_class = RequestInformationInput


class WithFilesActionAPI(ComplaintActionAPI):
    """An action whose service takes evidence files as ``files``: a refused action stores none of them."""

    def call_service(self, *, attachments, **arguments) -> None:
        type(self).service(files=attachments, **arguments)


@action_schema(
    _("Answer staff's request for information, with optional evidence"),
    request=ComplainantReplyInput,
)
class ComplainantReplyAPI(WithFilesActionAPI):
    service = services.complaint_add_complainant_reply
    input_class = ComplainantReplyInput


@action_schema(
    _("Write to the person handling the complaint, with optional evidence"),
    request=ComplainantMessageInput,
    description=_(
        "For the complainant, the learner and their guardian, once the complaint has been acknowledged and "
        "until it is finished. The state and time limits do not change; the owner is told."
    ),
)
class ComplainantMessageAPI(WithFilesActionAPI):
    service = services.complaint_add_complainant_message
    input_class = ComplainantMessageInput


@action_schema(_("Change the severity"), request=SeverityInput)
class SeverityAPI(ComplaintActionAPI):
    service = services.complaint_set_severity
    input_class = SeverityInput


@action_schema(_("Raise or clear the urgent, legal or safety flag"), request=FlagInput)
class FlagAPI(ComplaintActionAPI):
    service = services.complaint_set_flag
    input_class = FlagInput


@action_schema(
    _("Propose the resolution, with remedies per affected learner"),
    request=ProposeResolutionInput,
    description=_(
        "A major complaint, or refunds above the threshold, wait for the leadership group's approval; "
        "anything else is answered at once."
    ),
)
class ProposeResolutionAPI(ComplaintActionAPI):
    service = services.complaint_propose_resolution
    input_class = ProposeResolutionInput


@action_schema(_("Respond without remedies"), request=RespondInput)
class RespondAPI(ComplaintActionAPI):
    service = services.complaint_respond
    input_class = RespondInput


@action_schema(_("Approve the pending resolution"), request=ApproveInput)
class ApproveAPI(ComplaintActionAPI):
    service = services.complaint_approve_resolution
    input_class = ApproveInput


@action_schema(_("Return the pending resolution for rework"), request=ReturnInput)
class ReturnAPI(ComplaintActionAPI):
    service = services.complaint_return_resolution
    input_class = ReturnInput


@action_schema(_("Confirm satisfaction and close"), request=SatisfactionInput)
class SatisfactionAPI(ComplaintActionAPI):
    service = services.complaint_confirm_satisfaction
    input_class = SatisfactionInput


@action_schema(
    _("Rate a complaint that closed by itself"),
    request=RatingInput,
    description=_("Once, after the complaint closed automatically because the response went unanswered."),
)
class RatingAPI(ComplaintActionAPI):
    service = services.complaint_rate_after_auto_close
    input_class = RatingInput


@action_schema(_("Appeal the response"), request=AppealInput)
class AppealAPI(ComplaintActionAPI):
    service = services.complaint_appeal
    input_class = AppealInput


@action_schema(_("Decide the appeal"), request=ReviewAppealInput)
class ReviewAppealAPI(ComplaintActionAPI):
    service = services.complaint_review_appeal
    input_class = ReviewAppealInput


@action_schema(_("Reject as out of scope"), request=RejectInput)
class RejectAPI(ComplaintActionAPI):
    service = services.complaint_reject
    input_class = RejectInput


@action_schema(_("Merge into a complaint about the same matter"), request=MergeInput)
class MergeAPI(ComplaintActionAPI):
    service = services.complaint_merge
    input_class = MergeInput


@action_schema(_("Withdraw the complaint"), request=WithdrawInput)
class WithdrawAPI(ComplaintActionAPI):
    service = services.complaint_withdraw
    input_class = WithdrawInput


@action_schema(_("Add evidence files"), request=EvidenceInput, multipart=True)
class EvidenceAPI(WithFilesActionAPI):
    service = services.complaint_add_evidence
    input_class = EvidenceInput


@action_schema(_("Add affected learners"), request=AffectedLearnersInput)
class AffectedLearnersAPI(ComplaintActionAPI):
    service = services.complaint_add_affected_learners
    input_class = AffectedLearnersInput


@action_schema(_("Add an improvement action"), request=ImprovementActionInput)
class ImprovementActionAddAPI(ComplaintActionAPI):
    service = services.improvement_action_add
    input_class = ImprovementActionInput


def _by_id_schema(summary: str):
    return extend_schema(
        tags=["complaint actions"],
        summary=summary,
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        request=None,
        responses=ANSWERS,
    )


class RemedyCarryOutAPI(ReadsBodyMixin, APIView):
    """Carry out an approved remedy; answers the complaint it belongs to."""

    @_by_id_schema(_("Carry out an approved remedy"))
    def post(self, request: Request, pk: int) -> Response:
        remedy = remedy_get_for_user(user=request.user, pk=pk)
        services.remedy_carry_out(remedy=remedy, actor=request.user)
        return complaint_answer(request, reference=remedy.complaint.reference)


class ImprovementActionCompleteAPI(ReadsBodyMixin, APIView):
    """Mark an improvement action done; answers the complaint it belongs to."""

    @_by_id_schema(_("Complete an improvement action"))
    def post(self, request: Request, pk: int) -> Response:
        action = improvement_action_get_for_user(user=request.user, pk=pk)
        services.improvement_action_complete(action=action, actor=request.user)
        return complaint_answer(request, reference=action.complaint.reference)
