"""The reminders that a review is due soon or overdue, registered from the app's ready."""

import datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notifications.kinds import NoticeKindSpec, NoticeTexts, notice_kind_register

REVIEW_DUE_SOON = "review_due_soon"
REVIEW_OVERDUE = "review_overdue"
REVIEWS_PATH = "/reviews/"
REMINDER_CONTEXT = frozenset({"kind", "due_at", "reference"})


def reminder_values(context: dict) -> dict:
    """The review named in the recipient's language (with the measure's code for an evaluation), and the
    due date."""
    from .models import ReviewKind

    kind = context["kind"]
    review = ReviewKind(kind).label if kind in ReviewKind.values else kind
    if context.get("reference"):
        review = _("%(review)s (%(measure)s)") % {"review": review, "measure": context["reference"]}
    due = datetime.date.fromisoformat(context["due_at"][:10])
    return {"review": review, "due": f"{due:%Y-%m-%d}"}


def _kind(name: str, texts: NoticeTexts) -> NoticeKindSpec:
    return NoticeKindSpec(
        name=name,
        texts=texts,
        path=lambda context: REVIEWS_PATH,
        required_context=REMINDER_CONTEXT,
        values=reminder_values,
        link_label=_("See the reviews and their open decisions: %(url)s"),
    )


REMINDER_KINDS = (
    _kind(
        REVIEW_DUE_SOON,
        NoticeTexts(
            subject=_("Due on %(due)s: %(review)s"),
            body=_(
                "The next %(review)s is due on %(due)s. Gather the opinions of learners, teachers and the "
                "team, hold the review and record its findings and decisions."
            ),
            sms=pgettext_lazy("sms", "%(review)s is due on %(due)s."),
            title=_("%(review)s due on %(due)s"),
        ),
    ),
    _kind(
        REVIEW_OVERDUE,
        NoticeTexts(
            subject=_("Overdue: %(review)s (due %(due)s)"),
            body=_(
                "The %(review)s was due on %(due)s and has not been recorded. Hold it and record its "
                "findings and decisions."
            ),
            sms=pgettext_lazy("sms", "Overdue: %(review)s was due on %(due)s."),
            title=_("Overdue: %(review)s was due on %(due)s"),
        ),
    ),
)


def register() -> None:
    for spec in REMINDER_KINDS:
        notice_kind_register(spec)
