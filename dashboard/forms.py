"""The dashboard's filters: a period (named or a custom range), department, category and channel."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from complaints.models import Category, Channel

from .selectors import Period, Scope, period_named

# A custom range longer than this is refused: the figures stay meaningful and the queries bounded.
LONGEST_RANGE = datetime.timedelta(days=3 * 366)
# The days a range may name, as for the annual report's years: the comparison with the period before and the
# first moment after the range (a day in year 1 or 9999) stay within the calendar's reach.
EARLIEST_DAY = datetime.date(2000, 1, 1)
LATEST_DAY = datetime.date(2100, 12, 31)


def validate_report_day(day: datetime.date) -> None:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationError(
            _("Choose a day from %(earliest)s to %(latest)s."),
            code="out_of_range",
            params={"earliest": EARLIEST_DAY.isoformat(), "latest": LATEST_DAY.isoformat()},
        )


class ScopeForm(forms.Form):
    PERIODS = (
        ("week", _("This week")),
        ("month", _("This month")),
        ("quarter", _("This quarter")),
        ("year", _("This year")),
        ("custom", _("Custom range")),
    )

    # The figures of a form without a period are this month's: the menu says so too.
    DEFAULT_PERIOD = "month"

    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False, initial=DEFAULT_PERIOD)
    # The API names the range "from" and "to"; the page uses the same names.
    date_from = forms.DateField(label=_("From"), required=False, validators=[validate_report_day])
    date_to = forms.DateField(label=_("To"), required=False, validators=[validate_report_day])
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False, empty_label=_("All")
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label=_("All")
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("All")), *Channel.choices], required=False
    )

    def __init__(self, data=None, **kwargs):
        if data is not None:
            data = data.copy()
            for outer, inner in (("from", "date_from"), ("to", "date_to")):
                if outer in data and inner not in data:
                    data[inner] = data[outer]
            if not data.get("period"):
                data["period"] = "custom" if data.get("date_from") else self.DEFAULT_PERIOD
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") == "custom":
            first, last = cleaned.get("date_from"), cleaned.get("date_to")
            if {"date_from", "date_to"} & set(self.errors):
                pass  # a day already refused (not a date, or out of reach) has its own message
            elif not first:
                self.add_error("date_from", _("Give the first day of the range."))
            elif not last:
                self.add_error("date_to", _("Give the last day of the range."))
            elif last < first:
                self.add_error("date_to", _("The range ends before it starts."))
            elif last - first > LONGEST_RANGE:
                self.add_error("date_to", _("Choose a range of three years at most."))
        return cleaned

    def scope(self) -> Scope:
        """The scope the valid form describes (call after is_valid)."""
        cleaned = self.cleaned_data
        if cleaned.get("period") == "custom":
            period = Period(cleaned["date_from"], cleaned["date_to"])
        else:
            period = period_named(cleaned.get("period") or self.DEFAULT_PERIOD)
        return Scope(
            period=period,
            department_id=cleaned["department"].pk if cleaned.get("department") else None,
            category_id=cleaned["category"].pk if cleaned.get("category") else None,
            channel=cleaned.get("channel") or None,
        )
