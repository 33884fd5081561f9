"""Forms of the learners' refund pages and the staff's workspace; the services do every check that matters."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validators import validate_no_bidi_controls

from .models import MAX_TEXT_LENGTH, RefundRequest, RefundRule


def form_add_service_error(form: forms.Form, error) -> None:
    """Show a service's refusal next to the form's field that carries the argument it names, else on top."""
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _text(label, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_bidi_controls],
        **kwargs,
    )


class RefundRequestForm(forms.Form):
    reason = _text(
        _("Why do you ask for a refund?"),
        help_text=_("In your own words: what happened, and since when."),
    )
    institution_at_fault = forms.BooleanField(
        label=_("The institution is at fault"),
        required=False,
        help_text=_(
            "For example a class was cancelled, or the instructor was changed without your agreement. "
            "Staff check it before they decide."
        ),
    )


class MoveForm(forms.Form):
    def __init__(self, *args, request: RefundRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request


class ApproveForm(MoveForm):
    prefix = "approve"
    institution_at_fault = forms.BooleanField(
        label=_("The institution is at fault (checked)"),
        required=False,
        help_text=_("Ticked as the learner said; the amount follows the rules with what you find."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution_at_fault"].initial = self.request.institution_at_fault


class RefuseForm(MoveForm):
    prefix = "refuse"
    rule = forms.ModelChoiceField(label=_("Rule the refusal relies on"), queryset=RefundRule.objects.none())
    reason = _text(_("Reason the learner is shown"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = RefundRule.objects.filter(policy_id=self.request.policy_id).order_by(
            "position"
        )
        self.fields["rule"].label_from_instance = str
        if self.request.rule_id is not None:
            self.fields["rule"].initial = self.request.rule_id


class LeadershipApproveForm(MoveForm):
    prefix = "leadership_approve"
    note = _text(_("Note (optional)"), required=False)


class PaymentForm(MoveForm):
    prefix = "record_payment"
    amount = forms.DecimalField(
        label=_("Amount paid back (CNY)"), max_digits=12, decimal_places=2, min_value=0
    )
    paid_on = forms.DateField(
        label=_("Paid back on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    payment_reference = forms.CharField(
        label=_("Payment reference"),
        max_length=100,
        required=False,
        validators=[validate_no_bidi_controls],
        help_text=_("The bank transfer's or the payment platform's number."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].initial = self.request.approved_amount
        self.fields["paid_on"].initial = timezone.localdate()


class NoteForm(MoveForm):
    prefix = "note"
    body = _text(_("Internal note"))
