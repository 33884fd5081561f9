"""Forms of the counselling pages; the services do every check that matters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import form_add_service_error  # noqa: F401  (the pages show refusals next to fields)
from core.validators import validate_no_bidi_controls

from .models import (
    MAX_REASON_LENGTH,
    MAX_RECORD_LENGTH,
    AvailabilityException,
    Language,
    RiskFlag,
    Weekday,
)


class FindForm(forms.Form):
    speciality = forms.ChoiceField(label=_("Speciality"), required=False)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any language")), *Language.choices]
    )

    def __init__(self, *args, specialities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speciality"].choices = [("", _("Any speciality"))] + [
            (speciality.code, speciality.localized_name) for speciality in specialities
        ]


class IdentityForm(forms.Form):
    real_name = forms.CharField(label=_("Real name"), max_length=50)
    resident_id = forms.CharField(label=_("Resident ID number"), max_length=18)
    mobile = forms.CharField(
        label=_("Mobile number"), max_length=20, widget=forms.TextInput(attrs={"type": "tel"})
    )


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code from the SMS"), max_length=10)


class BookForm(forms.Form):
    counsellor = forms.IntegerField(widget=forms.HiddenInput)
    starts_at = forms.DateTimeField(widget=forms.HiddenInput)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you cancel?"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason.")},
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Grounds of your appeal"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WeeklyHoursForm(forms.Form):
    """One line per window: weekday, from, until. Leave a line empty to drop it."""

    def __init__(self, *args, rows: int = 10, initial_hours=(), **kwargs):
        super().__init__(*args, **kwargs)
        initial_hours = list(initial_hours)
        for index in range(rows):
            known = initial_hours[index] if index < len(initial_hours) else None
            self.fields[f"weekday_{index}"] = forms.TypedChoiceField(
                label=_("Weekday"),
                choices=[("", "—"), *Weekday.choices],
                coerce=int,
                required=False,
                initial=known.weekday if known else "",
            )
            self.fields[f"starts_{index}"] = forms.TimeField(
                label=_("From"),
                required=False,
                initial=known.starts if known else None,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
            self.fields[f"ends_{index}"] = forms.TimeField(
                label=_("Until"),
                required=False,
                initial=known.ends if known else None,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
        self.rows = rows

    def clean(self):
        data = super().clean()
        hours = []
        for index in range(self.rows):
            weekday, starts, ends = (data.get(f"{name}_{index}") for name in ("weekday", "starts", "ends"))
            if weekday in ("", None) and starts is None and ends is None:
                continue
            if weekday in ("", None) or starts is None or ends is None:
                self.add_error(
                    f"ends_{index}", _("Give the weekday and both times, or leave the line empty.")
                )
                continue
            hours.append((weekday, starts, ends))
        data["hours"] = hours
        return data

    def lines(self):
        return [
            (self[f"weekday_{index}"], self[f"starts_{index}"], self[f"ends_{index}"])
            for index in range(self.rows)
        ]


class ExceptionForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=AvailabilityException.Kind.choices)
    starts = forms.TimeField(
        label=_("From"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("Leave both times empty for the whole day off."),
    )
    ends = forms.TimeField(label=_("Until"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))


# --- Session records, intake, ratings, penalties ------------------------------------------------------------

INTAKE_LENGTH = 2000


class IntakeForm(forms.Form):
    concern = forms.CharField(
        label=_("What brings you to counselling?"),
        max_length=INTAKE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    history = forms.CharField(
        label=_("Have you had counselling or treatment before?"),
        max_length=INTAKE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    hopes = forms.CharField(
        label=_("What do you hope for from the sessions?"),
        max_length=INTAKE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SessionRecordForm(forms.Form):
    notes = forms.CharField(
        label=_("Session notes"), max_length=MAX_RECORD_LENGTH, widget=forms.Textarea(attrs={"rows": 12})
    )
    risk_flag = forms.ChoiceField(
        label=_("Risk flag"),
        choices=RiskFlag.choices,
        required=False,
        help_text=_("A risk flag tells the safety officer at once and opens an urgent safety case."),
    )


class RateForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"), choices=[(n, str(n)) for n in range(5, 0, -1)], coerce=int
    )
    comment = forms.CharField(
        label=_("Comment (optional; published only after moderation, without your name)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PenaltyReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"), max_length=MAX_REASON_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )


class SessionComplaintForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("One line that says what happened."),
        validators=[validate_no_bidi_controls],
    )
    description = forms.CharField(
        label=_("What happened"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("When it happened and what you would like us to do."),
    )


class CommentReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your public reply"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
