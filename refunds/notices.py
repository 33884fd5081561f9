"""The notices a refund request sends: to the learner (and the guardian who asked) at each decision, and to
the leadership group when a large refund waits for them. Registered from the app's ready; contexts carry the
reference only."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from accounts.roles import Role
from notifications.kinds import NoticeKindSpec, NoticeTexts, notice_kind_register
from notifications.services import notification_enqueue

from .models import RefundRequest


class NoticeKind(StrEnum):
    RECEIVED = "refund_received"
    REFERRED = "refund_referred"
    APPROVED = "refund_approved"
    REFUSED = "refund_refused"
    PAID = "refund_paid"
    APPROVAL_REQUESTED = "refund_approval_requested"


def learner_refund_path(context: dict) -> str:
    return f"/refunds/{context['reference']}/"


def staff_refund_path(context: dict) -> str:
    return f"/admin/refunds/refundrequest/?q={context['reference']}"


def _learner_kind(name: str, subject, body, sms, title) -> NoticeKindSpec:
    return NoticeKindSpec(
        name=name,
        texts=NoticeTexts(subject=subject, body=body, sms=sms, title=title),
        path=learner_refund_path,
        link_label=_("Follow your refund request here: %(url)s"),
    )


NOTICE_KINDS = (
    _learner_kind(
        NoticeKind.RECEIVED,
        _("Your refund request %(reference)s has been received"),
        _(
            "Your refund request %(reference)s has been received with the amount the refund rules give. "
            "Staff decide within 3 working days."
        ),
        pgettext_lazy("sms", "Your refund request %(reference)s has been received."),
        _("Refund request %(reference)s received"),
    ),
    _learner_kind(
        NoticeKind.REFERRED,
        _("Your refund request %(reference)s awaits the leadership group's approval"),
        _(
            "Staff support your refund request %(reference)s. Its amount needs the approval of the "
            "institution's leadership group, which decides next."
        ),
        pgettext_lazy("sms", "Your refund request %(reference)s awaits the leadership group's approval."),
        _("Refund request %(reference)s awaits approval"),
    ),
    _learner_kind(
        NoticeKind.APPROVED,
        _("Your refund request %(reference)s has been approved"),
        _("Your refund request %(reference)s has been approved. Its page shows the amount to be paid back."),
        pgettext_lazy("sms", "Your refund request %(reference)s has been approved."),
        _("Refund request %(reference)s approved"),
    ),
    _learner_kind(
        NoticeKind.REFUSED,
        _("Your refund request %(reference)s was refused"),
        _(
            "Your refund request %(reference)s was refused. Its page names the rule the refusal relies on "
            "and the reason; if you disagree, you can file a complaint from there."
        ),
        pgettext_lazy(
            "sms", "Your refund request %(reference)s was refused; see the rule and reason online."
        ),
        _("Refund request %(reference)s refused"),
    ),
    _learner_kind(
        NoticeKind.PAID,
        _("Your refund %(reference)s has been paid back"),
        _("The refund of request %(reference)s has been paid back. Its page shows the amount and the date."),
        pgettext_lazy("sms", "Your refund %(reference)s has been paid back."),
        _("Refund %(reference)s paid back"),
    ),
    NoticeKindSpec(
        name=NoticeKind.APPROVAL_REQUESTED,
        texts=NoticeTexts(
            subject=_("Refund %(reference)s needs the leadership group's approval"),
            body=_(
                "Refund request %(reference)s is above the approval threshold. Staff support it; please "
                "approve or refuse it in the staff workspace."
            ),
            sms=pgettext_lazy("sms", "Refund %(reference)s needs the leadership group's approval."),
            title=_("Refund %(reference)s: approval needed"),
        ),
        path=staff_refund_path,
        link_label=_("Open the refund request in the staff queue: %(url)s"),
    ),
)


def register() -> None:
    for spec in NOTICE_KINDS:
        notice_kind_register(spec)


def notify_learner(request: RefundRequest, notice: NoticeKind) -> None:
    """Tell the learner, and the guardian who made the request for them."""
    people = [request.learner]
    if request.filed_by_id != request.learner_id:
        people.append(request.filed_by)
    for person in people:
        if person.is_active:
            notification_enqueue(recipient=person, kind=notice, context={"reference": request.reference})


def notify_leadership(request: RefundRequest) -> None:
    for person in User.objects.filter(is_active=True, groups__name=Role.LEADERSHIP).order_by("pk"):
        notification_enqueue(
            recipient=person, kind=NoticeKind.APPROVAL_REQUESTED, context={"reference": request.reference}
        )
