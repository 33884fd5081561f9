"""Say plainly which years the official Chinese calendar covers, and how clocks count the others."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .business_calendar import official_calendar_covers, official_calendar_years

# The longest target runs a week and more with pauses: a year is near when its first day is this close.
LOOKAHEAD_DAYS = 45


def calendar_coverage_text() -> str:
    """Describe the installed official calendar's years and, when the next year is near and not covered,
    that clocks then count weekdays plus the institution's own dates (in the active language)."""
    first, last = official_calendar_years()
    today = timezone.localdate()
    text = _("The official Chinese calendar is installed for %(first)s–%(last)s.") % {
        "first": first,
        "last": last,
    }
    near = today + timezone.timedelta(days=LOOKAHEAD_DAYS)
    uncovered = [year for year in sorted({today.year, near.year}) if not official_calendar_covers(year)]
    if uncovered:
        text += " " + _(
            "It has no holidays for %(years)s yet: clocks on calendars that follow it count Monday to Friday "
            "office hours there, plus the closed and working dates entered on each business calendar. Enter "
            "the official holidays and make-up working days of %(years)s as calendar dates, or upgrade the "
            "chinesecalendar package once they are published."
        ) % {"years": ", ".join(str(year) for year in uncovered)}
    return text


def calendar_coverage_detail() -> str:
    """The same in English, for /healthz (read by operators' monitoring, not shown to users)."""
    from django.utils import translation

    with translation.override("en"):
        return calendar_coverage_text()
