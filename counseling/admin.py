"""The counselling desk's screens: counsellors and specialities, appointments (with the waiver of a no-show as
an action with a reason code), the no-show limit, booking restrictions and appeals (granted or refused as
actions with the decision's reasons). Every change of an appointment or appeal goes through its service."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.validators import NoBidiControlsAdminMixin
from privacy.admin import PersonalDataAdminMixin

from .errors import CounsellingError
from .models import (
    Appointment,
    AppointmentEvent,
    BookingRestriction,
    Counsellor,
    NoShowPolicy,
    RestrictionAppeal,
    Speciality,
    WaiverReason,
)
from .permissions import is_counselling_staff, may_handle_counselling
from .services import appointment_waive_no_show, counsellor_photo_check, restriction_appeal_decide


class CounsellingDeskMixin:
    """The counselling desk reads these screens; agents, supervisors and the leadership group change them."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser or is_counselling_staff(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or is_counselling_staff(request.user)

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser or may_handle_counselling(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or may_handle_counselling(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Speciality)
class SpecialityAdmin(CounsellingDeskMixin, NoBidiControlsAdminMixin, admin.ModelAdmin):
    bidi_free_fields = ("name", "name_en")
    list_display = ["code", "name", "name_en", "position"]


class CounsellorAdminForm(forms.ModelForm):
    """The counsellor's profile; a new photo is checked by its content and keeps the type found."""

    class Meta:
        model = Counsellor
        fields = [
            "user",
            "public_name",
            "photo",
            "specialities",
            "languages",
            "approach",
            "price",
            "contact_phone",
            "contact_email",
            "time_zone",
            "session_minutes",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "minimum_notice_hours",
            "is_active",
            "is_suspended",
            "suspended_reason",
            "created_at",
        ]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo or "photo" not in self.changed_data:
            return photo
        try:
            checked = counsellor_photo_check(upload=photo)
        except CounsellingError as error:
            raise forms.ValidationError(str(error.message), code=error.code) from None
        self.instance.photo_type = checked.content_type
        return checked.upload

    def clean(self):
        data = super().clean()
        if "photo" in self.changed_data and not data.get("photo") and "photo" not in self.errors:
            self.instance.photo_type = ""  # the photo was cleared
        return data


@admin.register(Counsellor)
class CounsellorAdmin(CounsellingDeskMixin, NoBidiControlsAdminMixin, admin.ModelAdmin):
    form = CounsellorAdminForm
    bidi_free_fields = ("public_name",)
    list_display = ["public_name", "is_active", "is_suspended", "price", "session_minutes"]
    list_filter = ["is_active", "is_suspended", "specialities"]
    search_fields = ["public_name"]
    filter_horizontal = ["specialities"]
    raw_id_fields = ["user"]
    exclude = ["photo_type"]


class WaiverActionForm(ActionForm):
    reason_code = forms.ChoiceField(
        label=_("Waiver reason"), choices=[("", "—"), *WaiverReason.choices], required=False
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class AppointmentEventInline(admin.TabularInline):
    model = AppointmentEvent
    fields = ["created_at", "kind", "from_state", "to_state", "actor", "body"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Appointment)
class AppointmentAdmin(CounsellingDeskMixin, PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "starts_at", "counsellor", "state", "no_show_kind", "waiver_reason"]
    list_filter = ["state", "no_show_kind", "waiver_reason"]
    list_select_related = ["counsellor"]
    search_fields = ["reference"]
    show_full_result_count = False
    date_hierarchy = "starts_at"
    readonly_fields = [field.name for field in Appointment._meta.fields]
    inlines = [AppointmentEventInline]
    action_form = WaiverActionForm
    actions = ["waive_no_shows"]
    personal_data_fields = ("client", "starts_at", "cancellation_reason")
    personal_data_list_fields = ("reference", "starts_at")
    personal_data_subject_fields = ("client_id",)

    def personal_data_subject(self, obj):
        return obj.client

    def has_add_permission(self, request) -> bool:
        return False  # clients book; the desk does not

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied  # before the row is looked up, as the change screen does
        return super().history_view(request, object_id, extra_context)

    @admin.action(description=_("Waive the selected no-shows (choose the reason below)"))
    def waive_no_shows(self, request, queryset):
        if not may_handle_counselling(request.user) and not request.user.is_superuser:
            self.message_user(request, _("No-shows are waived by the counselling desk."), messages.ERROR)
            return
        reason_code, note = request.POST.get("reason_code", ""), request.POST.get("note", "")
        done = 0
        for appointment in queryset.order_by("pk"):
            try:
                appointment_waive_no_show(
                    appointment=appointment, reason_code=reason_code, note=note, actor=request.user
                )
            except CounsellingError as error:
                self.message_user(request, f"{appointment.reference}: {error.message}", messages.ERROR)
                continue
            done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d no-show waived.", "%(count)d no-shows waived.", done) % {"count": done},
                messages.SUCCESS,
            )


@admin.register(NoShowPolicy)
class NoShowPolicyAdmin(CounsellingDeskMixin, admin.ModelAdmin):
    list_display = ["__str__", "no_shows", "window_days", "restriction_days"]
    exclude = ["updated_at"]

    def has_add_permission(self, request) -> bool:
        if not super().has_add_permission(request):
            return False
        # Every admin page asks (for the menu's "add" links): only this model's own pages read whether the one
        # row exists, so the other pages cost no query for it; the add form itself refuses a second row.
        match = getattr(request, "resolver_match", None)
        if match is None or not (match.url_name or "").startswith("counseling_noshowpolicy_"):
            return True
        return not NoShowPolicy.objects.exists()


@admin.register(BookingRestriction)
class BookingRestrictionAdmin(CounsellingDeskMixin, PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "client", "starts_at", "ends_at", "no_show_count", "lifted_at"]
    list_select_related = ["client"]
    readonly_fields = [field.name for field in BookingRestriction._meta.fields]
    personal_data_fields = ("client",)
    personal_data_list_fields = ("client",)
    personal_data_subject_fields = ("client_id",)

    def personal_data_subject(self, obj):
        return obj.client

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return BookingRestriction.objects.select_related("client")


class DecisionActionForm(ActionForm):
    note = forms.CharField(label=_("Decision and its reasons"), required=False, max_length=1000)


@admin.register(RestrictionAppeal)
class RestrictionAppealAdmin(CounsellingDeskMixin, admin.ModelAdmin):
    list_display = ["pk", "restriction", "state", "created_at", "decided_at"]
    list_filter = ["state"]
    readonly_fields = [field.name for field in RestrictionAppeal._meta.fields]
    action_form = DecisionActionForm
    actions = ["grant", "refuse"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def _decide(self, request, queryset, *, grant: bool) -> None:
        note = request.POST.get("note", "")
        for appeal in queryset.order_by("pk"):
            try:
                restriction_appeal_decide(appeal=appeal, grant=grant, note=note, actor=request.user)
            except CounsellingError as error:
                self.message_user(request, str(error.message), messages.ERROR)
            else:
                self.message_user(request, _("Appeal decided."), messages.SUCCESS)

    @admin.action(description=_("Grant the selected appeals: lift the restriction"))
    def grant(self, request, queryset):
        self._decide(request, queryset, grant=True)

    @admin.action(description=_("Refuse the selected appeals"))
    def refuse(self, request, queryset):
        self._decide(request, queryset, grant=False)
