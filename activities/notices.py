"""The notices activities send: a new activity to its subscribers, a place freed for someone on the waiting
list, the day-before reminder, and a cancellation to those registered.

Registered in the notifications registry from the app's ready. A context carries the activity's id only
(as ``reference``); its title and start are read when the notice is delivered, in the recipient's language
and the institution's time zone.
"""

from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notifications.kinds import NoticeKindSpec, NoticeTexts, notice_kind_register

from .models import Activity


class NoticeKind(StrEnum):
    PUBLISHED = "activity_published"
    PROMOTED = "activity_promoted"
    REMINDER = "activity_reminder"
    CANCELLED = "activity_cancelled"


def activity_path(context: dict) -> str:
    return f"/activities/{context['reference']}/"


def activity_values(context: dict) -> dict:
    """The title and start of the activity the notice is about, read at delivery time."""
    activity = Activity.objects.filter(pk=int(context["reference"])).only("title", "starts_at").first()
    if activity is None:
        return {"reference": context["reference"], "title": "—", "starts": "—"}
    starts = timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M")
    return {"reference": context["reference"], "title": activity.title, "starts": starts}


def _kind(name: str, subject, body, sms, title) -> NoticeKindSpec:
    return NoticeKindSpec(
        name=name,
        texts=NoticeTexts(subject=subject, body=body, sms=sms, title=title),
        path=activity_path,
        values=activity_values,
        link_label=_("See the activity here: %(url)s"),
    )


NOTICE_KINDS = (
    _kind(
        NoticeKind.PUBLISHED,
        _("New rights-knowledge activity: %(title)s"),
        _(
            "A new rights-knowledge activity is open for registration: “%(title)s”, starting at "
            "%(starts)s. Register on its page while places last."
        ),
        pgettext_lazy("sms", "New activity “%(title)s” at %(starts)s; register online."),
        _("New activity: %(title)s"),
    ),
    _kind(
        NoticeKind.PROMOTED,
        _("You have a place at “%(title)s”"),
        _(
            "A place became free at “%(title)s” (%(starts)s) and you were first on the waiting list: "
            "you are now registered. If you cannot come, please cancel on its page."
        ),
        pgettext_lazy("sms", "You now have a place at “%(title)s” (%(starts)s)."),
        _("You have a place at “%(title)s”"),
    ),
    _kind(
        NoticeKind.REMINDER,
        _("Reminder: “%(title)s” starts at %(starts)s"),
        _(
            "You are registered for “%(title)s”, which starts at %(starts)s. Its page has the place or "
            "the link. If you cannot come, please cancel so that someone else can take your place."
        ),
        pgettext_lazy("sms", "Reminder: “%(title)s” starts at %(starts)s."),
        _("Reminder: “%(title)s” at %(starts)s"),
    ),
    _kind(
        NoticeKind.CANCELLED,
        _("“%(title)s” has been cancelled"),
        _("The activity “%(title)s” planned for %(starts)s has been cancelled. We are sorry."),
        pgettext_lazy("sms", "The activity “%(title)s” (%(starts)s) has been cancelled."),
        _("Activity cancelled: %(title)s"),
    ),
)


def register() -> None:
    for spec in NOTICE_KINDS:
        notice_kind_register(spec)
