"""The notices feedback handling sends the learner (and a meeting's representatives), with their texts.

Registered in the notifications registry from the app's ready; contexts carry the reference only. Anonymous
items have nobody to tell: their giver follows them through the secret link.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from notifications.kinds import NoticeKindSpec, NoticeTexts, notice_kind_register
from notifications.services import notification_enqueue

from .models import FeedbackItem


class NoticeKind(StrEnum):
    RECEIVED = "feedback_received"
    ACCEPTED = "feedback_accepted"
    REJECTED = "feedback_rejected"
    CONVERTED = "feedback_converted"
    PLANNED = "feedback_planned"
    RESULT = "feedback_result"
    MEETING_RESULT = "feedback_meeting_result"


def learner_feedback_path(context: dict) -> str:
    return f"/feedback/{context['reference']}/"


def _kind(name: str, subject, body, sms, title) -> NoticeKindSpec:
    return NoticeKindSpec(
        name=name,
        texts=NoticeTexts(subject=subject, body=body, sms=sms, title=title),
        path=learner_feedback_path,
        link_label=_("Follow your feedback here: %(url)s"),
    )


NOTICE_KINDS = (
    _kind(
        NoticeKind.RECEIVED,
        _("Your feedback %(reference)s has been received"),
        _(
            "Your feedback was entered by our staff as %(reference)s. You can follow how it is "
            "handled online."
        ),
        pgettext_lazy("sms", "Your feedback %(reference)s has been received."),
        _("Feedback %(reference)s received"),
    ),
    _kind(
        NoticeKind.ACCEPTED,
        _("Your feedback %(reference)s has been accepted"),
        _("Your feedback %(reference)s was reviewed and accepted; a handling plan follows."),
        pgettext_lazy("sms", "Your feedback %(reference)s has been accepted."),
        _("Feedback %(reference)s accepted"),
    ),
    _kind(
        NoticeKind.REJECTED,
        _("Your feedback %(reference)s was not accepted"),
        _("Your feedback %(reference)s was reviewed and not accepted. The reason is on its page."),
        pgettext_lazy("sms", "Your feedback %(reference)s was not accepted; see the reason online."),
        _("Feedback %(reference)s not accepted"),
    ),
    _kind(
        NoticeKind.CONVERTED,
        _("Your feedback %(reference)s is now handled as a complaint"),
        _(
            "Your feedback %(reference)s is about a matter that needs investigation, so it is now "
            "handled as a "
            "complaint under the complaint procedure. Its page links to the complaint."
        ),
        pgettext_lazy("sms", "Your feedback %(reference)s is now handled as a complaint."),
        _("Feedback %(reference)s is now a complaint"),
    ),
    _kind(
        NoticeKind.PLANNED,
        _("A handling plan for your feedback %(reference)s"),
        _(
            "A handling plan for your feedback %(reference)s was made: its page shows the actions "
            "and the due date."
        ),
        pgettext_lazy("sms", "A handling plan for your feedback %(reference)s was made."),
        _("Handling plan for feedback %(reference)s"),
    ),
    _kind(
        NoticeKind.RESULT,
        _("The result of your feedback %(reference)s"),
        _(
            "Your feedback %(reference)s has been handled. Read the result on its page, and tell "
            "us how well it "
            "was handled (1 to 5)."
        ),
        pgettext_lazy(
            "sms", "Your feedback %(reference)s has been handled; please rate the handling online."
        ),
        _("Result of feedback %(reference)s: please rate it"),
    ),
    _kind(
        NoticeKind.MEETING_RESULT,
        _("Result of a point from the representative meeting: %(reference)s"),
        _(
            "The point your class raised at the representative meeting, feedback %(reference)s, "
            "has a result. "
            "Please report it back to your class."
        ),
        pgettext_lazy("sms", "The meeting point %(reference)s has a result; please report it to your class."),
        _("Meeting point %(reference)s: result"),
    ),
)


def register() -> None:
    for spec in NOTICE_KINDS:
        notice_kind_register(spec)


def notify_learner(item: FeedbackItem, notice: NoticeKind) -> None:
    """Tell the learner who gave the item (nobody for an anonymous one)."""
    if item.learner_id is not None and item.learner.is_active:
        notification_enqueue(recipient=item.learner, kind=notice, context={"reference": item.reference})


def notify_representatives(item: FeedbackItem) -> None:
    """Tell the representatives present at the item's meeting that it has a result."""
    if item.meeting_id is None:
        return
    for person in User.objects.filter(is_active=True, representative_meetings=item.meeting_id).order_by("pk"):
        if person.pk != item.learner_id:
            notification_enqueue(
                recipient=person, kind=NoticeKind.MEETING_RESULT, context={"reference": item.reference}
            )
