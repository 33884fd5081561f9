"""The survey's notice kinds: the survey opened, and the two reminders to those who have not answered.

A notice's context carries the survey's reference only; the texts read its title at delivery time.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notifications.kinds import NoticeKindSpec, NoticeTexts, notice_kind_register

SURVEY_OPENED = "survey_opened"
SURVEY_REMINDER_TWO_DAYS = "survey_reminder_two_days"
SURVEY_REMINDER_LAST_DAY = "survey_reminder_last_day"


def survey_notice_values(context: dict) -> dict:
    from .models import Survey

    title = Survey.objects.filter(reference=context["reference"]).values_list("title", flat=True).first()
    return {"reference": context["reference"], "title": title or context["reference"]}


def survey_path(context: dict) -> str:
    return "/surveys/"


def _kind(name: str, texts: NoticeTexts) -> NoticeKindSpec:
    return NoticeKindSpec(
        name=name,
        texts=texts,
        path=survey_path,
        values=survey_notice_values,
        link_label=_("Answer the survey here: %(url)s"),
    )


# Translators: the SMS texts must stay within 70 Chinese characters including the title.
SURVEY_NOTICE_KINDS = (
    _kind(
        SURVEY_OPENED,
        NoticeTexts(
            subject=_("Survey open: %(title)s"),
            body=_(
                'The survey "%(title)s" is open. Your answers are anonymous: who answered is kept apart '
                "from what was answered, and no teacher sees who wrote what."
            ),
            sms=pgettext_lazy("sms", 'Survey "%(title)s" is open. Your answers are anonymous.'),
            title=_("Survey open: %(title)s"),
        ),
    ),
    _kind(
        SURVEY_REMINDER_TWO_DAYS,
        NoticeTexts(
            subject=_("Two days left: %(title)s"),
            body=_('The survey "%(title)s" closes in two days. Your answers are anonymous.'),
            sms=pgettext_lazy("sms", 'Survey "%(title)s" closes in two days.'),
            title=_("Two days left: %(title)s"),
        ),
    ),
    _kind(
        SURVEY_REMINDER_LAST_DAY,
        NoticeTexts(
            subject=_("Last day: %(title)s"),
            body=_('Today is the last day to answer the survey "%(title)s". Your answers are anonymous.'),
            sms=pgettext_lazy("sms", 'Today is the last day of survey "%(title)s".'),
            title=_("Last day: %(title)s"),
        ),
    ),
)


def register() -> None:
    for spec in SURVEY_NOTICE_KINDS:
        notice_kind_register(spec)
