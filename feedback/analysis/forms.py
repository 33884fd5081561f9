"""The analysis's period: a named period, a custom range (days from 2000 to 2100) or one term."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Term

from .selectors import AnalysisScope, Period

EARLIEST_DAY = datetime.date(2000, 1, 1)
LATEST_DAY = datetime.date(2100, 12, 31)
LONGEST_RANGE = datetime.timedelta(days=3 * 366)


def validate_analysis_day(day: datetime.date) -> None:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationError(
            _("Choose a day from %(earliest)s to %(latest)s."),
            code="out_of_range",
            params={"earliest": EARLIEST_DAY.isoformat(), "latest": LATEST_DAY.isoformat()},
        )


def period_named(name: str, *, today: datetime.date | None = None) -> Period:
    """This month, quarter or year up to today (anything else: this month)."""
    today = today or timezone.localdate()
    if name == "quarter":
        return Period(datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today)
    if name == "year":
        return Period(datetime.date(today.year, 1, 1), today)
    return Period(today.replace(day=1), today)


class AnalysisScopeForm(forms.Form):
    PERIODS = (
        ("month", _("This month")),
        ("quarter", _("This quarter")),
        ("year", _("This year")),
        ("custom", _("Custom range")),
        ("term", _("One term")),
    )
    DEFAULT_PERIOD = "month"

    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False, initial=DEFAULT_PERIOD)
    date_from = forms.DateField(label=_("From"), required=False, validators=[validate_analysis_day])
    date_to = forms.DateField(label=_("To"), required=False, validators=[validate_analysis_day])
    term = forms.ModelChoiceField(
        label=_("Term"), queryset=Term.objects.all(), required=False, empty_label=_("All")
    )

    def __init__(self, data=None, **kwargs):
        if data is not None:
            data = data.copy()
            for outer, inner in (("from", "date_from"), ("to", "date_to")):
                if outer in data and inner not in data:
                    data[inner] = data[outer]
            if not data.get("period"):
                if data.get("date_from"):
                    data["period"] = "custom"
                elif data.get("term"):
                    data["period"] = "term"
                else:
                    data["period"] = self.DEFAULT_PERIOD
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("period")
        if period == "custom":
            first, last = cleaned.get("date_from"), cleaned.get("date_to")
            if {"date_from", "date_to"} & set(self.errors):
                pass  # a day already refused has its own message
            elif not first:
                self.add_error("date_from", _("Give the first day of the range."))
            elif not last:
                self.add_error("date_to", _("Give the last day of the range."))
            elif last < first:
                self.add_error("date_to", _("The range ends before it starts."))
            elif last - first > LONGEST_RANGE:
                self.add_error("date_to", _("Choose a range of three years at most."))
        elif period == "term" and not cleaned.get("term") and "term" not in self.errors:
            self.add_error("term", _("Choose the term."))
        return cleaned

    def scope(self) -> AnalysisScope:
        """The scope the valid form describes (call after is_valid)."""
        cleaned = self.cleaned_data
        period = cleaned.get("period") or self.DEFAULT_PERIOD
        if period == "custom":
            return AnalysisScope(period=Period(cleaned["date_from"], cleaned["date_to"]))
        if period == "term":
            term = cleaned["term"]
            return AnalysisScope(period=Period(term.starts_on, term.ends_on), term_id=term.pk)
        return AnalysisScope(period=period_named(period))
