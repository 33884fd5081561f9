"""The notices a suggestion sends when its state changes: to the learner who proposed it and to every learner
who supports it, once per change and person. Registered from the app's ready; contexts carry the reference and
the new state only."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notifications.kinds import NoticeKindSpec, NoticeTexts, notice_kind_register
from notifications.services import NoticeRequest, notifications_enqueue_bulk

from .models import State, SuggestionSupport, UpdateSuggestion

# new state -> notice kind
NOTICE_KIND_FOR = {
    State.ACCEPTED: "course_suggestion_accepted",
    State.PLANNED: "course_suggestion_planned",
    State.DECLINED: "course_suggestion_declined",
    State.DONE: "course_suggestion_done",
}


def suggestion_path(context: dict) -> str:
    return f"/courses/suggestions/{context['reference']}/"


def _kind(state: str, subject, body, sms, title) -> NoticeKindSpec:
    return NoticeKindSpec(
        name=NOTICE_KIND_FOR[state],
        texts=NoticeTexts(subject=subject, body=body, sms=sms, title=title),
        path=suggestion_path,
        link_label=_("See the suggestion here: %(url)s"),
    )


NOTICE_KINDS = (
    _kind(
        State.ACCEPTED,
        _("Course-update suggestion %(reference)s has been accepted"),
        _("The course's team accepted the update suggestion %(reference)s that you made or support."),
        pgettext_lazy("sms", "Course-update suggestion %(reference)s has been accepted."),
        _("Suggestion %(reference)s accepted"),
    ),
    _kind(
        State.PLANNED,
        _("Course-update suggestion %(reference)s is planned"),
        _(
            "The course's team plans to make the update suggestion %(reference)s that you made or support in "
            "a coming version of the course."
        ),
        pgettext_lazy("sms", "Course-update suggestion %(reference)s is planned."),
        _("Suggestion %(reference)s planned"),
    ),
    _kind(
        State.DECLINED,
        _("Course-update suggestion %(reference)s was declined"),
        _(
            "The course's team declined the update suggestion %(reference)s that you made or support. Its "
            "page gives the reason."
        ),
        pgettext_lazy("sms", "Course-update suggestion %(reference)s was declined; see the reason online."),
        _("Suggestion %(reference)s declined"),
    ),
    _kind(
        State.DONE,
        _("Course-update suggestion %(reference)s is done"),
        _(
            "The update suggestion %(reference)s that you made or support is done. Its page names the "
            "version of the course it landed in."
        ),
        pgettext_lazy("sms", "Course-update suggestion %(reference)s is done."),
        _("Suggestion %(reference)s done"),
    ),
)


def register() -> None:
    for spec in NOTICE_KINDS:
        notice_kind_register(spec)


def notify_followers(suggestion: UpdateSuggestion, *, exclude_id: int | None = None) -> None:
    """Tell the proposer and every supporter of the suggestion's new state: one notice each (per channel
    they want), written in one statement in the caller's transaction; inactive accounts are skipped."""
    people = [suggestion.proposer_id]
    people += list(
        SuggestionSupport.objects.filter(suggestion=suggestion)
        .order_by("id")
        .values_list("supporter_id", flat=True)
    )
    context = {"reference": suggestion.reference, "state": suggestion.state}
    kind = NOTICE_KIND_FOR[State(suggestion.state)]
    notifications_enqueue_bulk(
        notices=[
            NoticeRequest(recipient_id=person, kind=kind, context=context)
            for person in dict.fromkeys(people)
            if person != exclude_id
        ]
    )
