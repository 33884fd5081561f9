"""Every change to a complaint, one service per intent; import them from here."""

from .appeals import complaint_appeal, complaint_handler_ids, complaint_review_appeal
from .closing import complaint_merge, complaint_reject, complaint_withdraw
from .evidence import ALLOWED_CONTENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_COMPLAINT
from .filing import complaint_add_affected_learners, complaint_add_evidence, complaint_file
from .handling import (
    Flag,
    complaint_acknowledge,
    complaint_add_complainant_message,
    complaint_add_complainant_reply,
    complaint_add_internal_note,
    complaint_add_public_reply,
    complaint_assign,
    complaint_delegate,
    complaint_request_information,
    complaint_set_flag,
    complaint_set_severity,
    complaint_start_investigation,
)
from .notices import NoticeKind
from .rating import complaint_closed_automatically, complaint_rate_after_auto_close
from .resolution import (
    RemedyProposal,
    complaint_approve_resolution,
    complaint_auto_close,
    complaint_confirm_satisfaction,
    complaint_propose_resolution,
    complaint_respond,
    complaint_return_resolution,
    improvement_action_add,
    improvement_action_complete,
    remedy_carry_out,
)

__all__ = [
    "ALLOWED_CONTENT_TYPES",
    "MAX_ATTACHMENTS_PER_COMPLAINT",
    "MAX_ATTACHMENT_BYTES",
    "Flag",
    "NoticeKind",
    "RemedyProposal",
    "complaint_acknowledge",
    "complaint_add_affected_learners",
    "complaint_add_complainant_message",
    "complaint_add_complainant_reply",
    "complaint_add_evidence",
    "complaint_add_internal_note",
    "complaint_add_public_reply",
    "complaint_appeal",
    "complaint_approve_resolution",
    "complaint_assign",
    "complaint_auto_close",
    "complaint_closed_automatically",
    "complaint_confirm_satisfaction",
    "complaint_delegate",
    "complaint_file",
    "complaint_handler_ids",
    "complaint_merge",
    "complaint_propose_resolution",
    "complaint_rate_after_auto_close",
    "complaint_reject",
    "complaint_request_information",
    "complaint_respond",
    "complaint_return_resolution",
    "complaint_review_appeal",
    "complaint_set_flag",
    "complaint_set_severity",
    "complaint_start_investigation",
    "complaint_withdraw",
    "improvement_action_add",
    "improvement_action_complete",
    "remedy_carry_out",
]
