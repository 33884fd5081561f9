"""Forms of the community pages; the services do every check that matters (screening, limits, images)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import EvidenceField
from core.validators import validate_no_bidi_controls

from .models import APPEAL_TEXT_MAX_LENGTH, BODY_MAX_LENGTH, REPORT_TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, Report
from .services import MAX_IMAGES


def images_field() -> EvidenceField:
    return EvidenceField(
        label=_("Images"),
        required=False,
        help_text=_("Up to %(count)d JPEG or PNG pictures.") % {"count": MAX_IMAGES},
    )


PERSONAL_DATA_HELP = _(
    "Do not share anyone's mobile number, ID number or e-mail address: they are masked before the post is "
    "stored."
)


class PostForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=TITLE_MAX_LENGTH, validators=[validate_no_bidi_controls]
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[validate_no_bidi_controls],
        help_text=PERSONAL_DATA_HELP,
    )
    images = images_field()


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_bidi_controls],
        help_text=PERSONAL_DATA_HELP,
    )
    images = images_field()


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why are you reporting it?"), choices=Report.Reason.choices)
    text = forms.CharField(
        label=_("Details (optional)"),
        max_length=REPORT_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_bidi_controls],
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why should the decision be undone?"),
        max_length=APPEAL_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_bidi_controls],
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the community"), max_length=100, required=False)
