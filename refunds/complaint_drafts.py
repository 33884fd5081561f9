"""A refused refund offers the learner a complaint with everything filled in (``complaints.drafts``)."""

from django.utils.translation import gettext

from accounts.models import User
from complaints.drafts import ComplaintDraft, complaint_draft_source_register

from .selectors import refund_get_for_user

SOURCE = "refund"
CATEGORY = "fees_refunds"


def refund_complaint_draft(user: User, reference: str) -> ComplaintDraft:
    """The complaint about a refund request the user may see (404 otherwise): fees and refunds, its course,
    its learner, and a text that says what was asked, what was decided and on which rule."""
    request = refund_get_for_user(user=user, reference=reference)
    course = request.enrolment.course
    lines = [
        gettext("My refund request %(reference)s for the course %(course)s was decided as follows:")
        % {"reference": request.reference, "course": f"{course.code} {course.title}"},
        gettext("State: %(state)s.") % {"state": request.get_state_display()},
        gettext("Amount the refund rules gave: %(amount)s yuan.") % {"amount": f"{request.amount:.2f}"},
    ]
    if request.refusal_rule is not None:
        lines.append(
            gettext("Rule the refusal relies on: %(rule)s.")
            % {"rule": f"{request.refusal_rule.clause} {request.refusal_rule.localized_label}"}
        )
        lines.append(gettext("Reason given: %(reason)s") % {"reason": request.refusal_reason})
    lines += ["", gettext("My reason for the refund: %(reason)s") % {"reason": request.reason}, ""]
    lines.append(gettext("I do not agree with the decision, because: "))
    return ComplaintDraft(
        category_code=CATEGORY,
        title=gettext("Refund request %(reference)s: I disagree with the decision")
        % {"reference": request.reference},
        description="\n".join(lines),
        learner=request.learner,
        course=course,
    )


def register() -> None:
    complaint_draft_source_register(SOURCE, refund_complaint_draft)
