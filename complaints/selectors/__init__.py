"""Read queries about complaints that pages, the API and the admin share; all go through the access policy.

``access``: which complaints a user reaches (one, a list, possible duplicates) and the other shared reads;
``reading``: what each reader sees of a complaint they reach (events, evidence, remedies), the one rule.
"""

from .access import (
    COMPLAINANT_ROLES,
    complainant_candidates,
    complainant_search,
    complaint_duplicate_suggestions,
    complaint_get_for_user,
    complaint_list_for_user,
    complaint_merged_into_for_user,
    complaints_due_for_auto_close,
)
from .reading import (
    ComplaintReading,
    ReaderFacts,
    attachment_get_for_user,
    complaint_attachments_for_user,
    complaint_improvement_actions_for_user,
    complaint_public_timeline,
    complaint_reading_for_user,
    complaint_remedies_for_user,
    complaint_timeline_for_user,
    improvement_action_get_for_user,
    reader_facts,
    reads_as_staff,
    remedy_get_for_user,
    with_reader_facts,
)

__all__ = [
    "COMPLAINANT_ROLES",
    "ComplaintReading",
    "ReaderFacts",
    "attachment_get_for_user",
    "complainant_candidates",
    "complainant_search",
    "complaint_attachments_for_user",
    "complaint_duplicate_suggestions",
    "complaint_get_for_user",
    "complaint_improvement_actions_for_user",
    "complaint_list_for_user",
    "complaint_merged_into_for_user",
    "complaint_public_timeline",
    "complaint_reading_for_user",
    "complaint_remedies_for_user",
    "complaint_timeline_for_user",
    "complaints_due_for_auto_close",
    "improvement_action_get_for_user",
    "reader_facts",
    "reads_as_staff",
    "remedy_get_for_user",
    "with_reader_facts",
]
