"""The activities' forms: the learner's check-in code, and the staff's activity form in the admin."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .models import Activity
from .permissions import ACTIVITY_STAFF_ROLES
from .services import EDITABLE_FIELDS, activity_problems


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("Check-in code"), max_length=12, strip=True)


class SubscriptionForm(forms.Form):
    subscribed = forms.BooleanField(label=_("Tell me of new activities"), required=False)


class ActivityAdminForm(forms.ModelForm):
    """The staff's form: the rules of ``services.activity_problems`` shown next to their fields."""

    link = forms.URLField(
        label=_("link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Where an online activity is joined."),
    )

    class Meta:
        model = Activity
        fields = [*EDITABLE_FIELDS, "organiser"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the learner-services team organises activities: the choice never lists learners' names.
        self.fields["organiser"].queryset = (
            User.objects.filter(is_active=True, groups__name__in=ACTIVITY_STAFF_ROLES)
            .distinct()
            .order_by("display_name")
        )

    def clean(self):
        cleaned = super().clean()
        for field, message in activity_problems(cleaned).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return cleaned
