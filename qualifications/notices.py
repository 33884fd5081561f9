"""The notices of the qualifications module, registered from the app's ready.

A notice's context names the qualification by its id and its kind by id (no number, no name of a person);
the texts show the kind in the recipient's language at delivery time.
"""

import datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notifications.kinds import NoticeKindSpec, NoticeTexts, notice_kind_register

QUALIFICATION_LAPSING = "qualification_lapsing"
QUALIFICATION_LAPSING_REVIEWERS = "qualification_lapsing_reviewers"
QUALIFICATION_DECIDED = "qualification_decided"
QUALIFICATION_LAPSED = "qualification_lapsed"
MINE_PATH = "/qualifications/"


def _values(context: dict) -> dict:
    from .models import QualificationKind, State

    kind = QualificationKind.objects.filter(pk=int(context["kind"])).first()
    values = {"kind": kind.localized_name if kind is not None else "—", "reference": context["reference"]}
    if context.get("due_at"):
        values["due"] = f"{datetime.date.fromisoformat(context['due_at'][:10]):%Y-%m-%d}"
    if context.get("state"):
        state = context["state"]
        values["state"] = State(state).label if state in State.values else state
    return values


def _review_path(context: dict) -> str:
    return f"/admin/qualifications/qualification/{int(context['reference'])}/change/"


KINDS = (
    NoticeKindSpec(
        name=QUALIFICATION_LAPSING,
        texts=NoticeTexts(
            subject=_("Your %(kind)s lapses on %(due)s"),
            body=_(
                "Your %(kind)s is valid until %(due)s. Submit the renewed certificate before then: once it "
                "lapses you can no longer be booked or assigned until a reviewer verifies the new one."
            ),
            sms=pgettext_lazy("sms", "Your %(kind)s lapses on %(due)s; submit the renewed certificate."),
            title=_("%(kind)s lapses on %(due)s"),
        ),
        path=lambda context: MINE_PATH,
        required_context=frozenset({"reference", "kind", "due_at"}),
        values=_values,
        link_label=_("See your qualifications: %(url)s"),
    ),
    NoticeKindSpec(
        name=QUALIFICATION_LAPSING_REVIEWERS,
        texts=NoticeTexts(
            subject=_("A %(kind)s lapses on %(due)s"),
            body=_(
                "Qualification %(reference)s (%(kind)s) is valid until %(due)s. Its holder has been "
                "reminded; check that a renewed certificate is submitted and vetted in time."
            ),
            sms=pgettext_lazy("sms", "Qualification %(reference)s (%(kind)s) lapses on %(due)s."),
            title=_("Qualification %(reference)s lapses on %(due)s"),
        ),
        path=_review_path,
        required_context=frozenset({"reference", "kind", "due_at"}),
        values=_values,
        link_label=_("Open the qualification: %(url)s"),
    ),
    NoticeKindSpec(
        name=QUALIFICATION_DECIDED,
        texts=NoticeTexts(
            subject=_("Your %(kind)s: %(state)s"),
            body=_("A reviewer decided on your %(kind)s: %(state)s. The reason, if any, is on your page."),
            sms=pgettext_lazy("sms", "Your %(kind)s: %(state)s."),
            title=_("%(kind)s: %(state)s"),
        ),
        path=lambda context: MINE_PATH,
        required_context=frozenset({"reference", "kind", "state"}),
        values=_values,
        link_label=_("See your qualifications: %(url)s"),
    ),
    NoticeKindSpec(
        name=QUALIFICATION_LAPSED,
        texts=NoticeTexts(
            subject=_("Your %(kind)s has lapsed"),
            body=_(
                "Your %(kind)s was valid until %(due)s. Until a renewed certificate is submitted and "
                "verified you cannot be booked or assigned."
            ),
            sms=pgettext_lazy("sms", "Your %(kind)s has lapsed; submit the renewed certificate."),
            title=_("%(kind)s has lapsed"),
        ),
        path=lambda context: MINE_PATH,
        required_context=frozenset({"reference", "kind", "due_at"}),
        values=_values,
        link_label=_("See your qualifications: %(url)s"),
    ),
)


def register() -> None:
    for spec in KINDS:
        notice_kind_register(spec)
