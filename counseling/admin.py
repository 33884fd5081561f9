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
    CounsellorPenalty,
    CounsellorReview,
    ExpertAssessment,
    NoShowPolicy,
    RecordGrant,
    RestrictionAppeal,
    SafetyCase,
    SafetyCaseEvent,
    Speciality,
    SpotCheckFinding,
    SpotCheckSample,
    WaiverReason,
)
from .permissions import (
    is_counselling_staff,
    is_safety_officer,
    may_handle_counselling,
    may_spot_check,
    may_supervise_counsellors,
)
from .services import (
    appointment_waive_no_show,
    counsellor_penalty_impose,
    counsellor_photo_check,
    counsellor_review_record,
    expert_assessment_record,
    record_grant_create,
    record_grant_revoke,
    restriction_appeal_decide,
    safety_case_acknowledge,
    safety_case_close,
    safety_case_follow_up,
    spot_check_finding_record,
    spot_check_sample_draw,
)


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


# --- Supervision: grants, samples and findings, reviews, assessments, penalties, safety cases ---------------


class ServiceAddMixin:
    """An add form whose row is written by the domain's service: the service runs when the form is checked
    (inside the admin's transaction), and its refusal shows next to the field it names; nothing is changed
    afterwards (rows of supervision are facts: no change or delete screen writes them)."""

    def service_create(self, request, cleaned: dict):
        raise NotImplementedError

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceForm(form_class):
            def clean(self):
                cleaned = super().clean()
                if self.errors or change:
                    return cleaned
                try:
                    self.created = model_admin.service_create(request, cleaned)
                except CounsellingError as error:
                    self.add_error(error.field if error.field in self.fields else None, str(error.message))
                return cleaned

        return ServiceForm

    def save_form(self, request, form, change):
        return form.created if not change else super().save_form(request, form, change)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SupervisionMixin:
    """The platform's managers and the leadership group supervise counsellors."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser or may_supervise_counsellors(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or may_supervise_counsellors(request.user)

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser or may_supervise_counsellors(request.user)


@admin.register(RecordGrant)
class RecordGrantAdmin(SupervisionMixin, ServiceAddMixin, admin.ModelAdmin):
    list_display = [
        "pk",
        "supervisor",
        "counsellor",
        "record",
        "valid_from",
        "valid_until",
        "purpose",
        "revoked_at",
    ]
    list_select_related = ["supervisor", "counsellor", "record"]
    list_filter = ["revoked_at"]
    fields = ["supervisor", "counsellor", "record", "valid_from", "valid_until", "purpose"]
    raw_id_fields = ["supervisor", "counsellor", "record"]
    actions = ["revoke"]

    def service_create(self, request, cleaned):
        return record_grant_create(actor=request.user, **{name: cleaned.get(name) for name in self.fields})

    @admin.action(description=_("Revoke the selected grants now"))
    def revoke(self, request, queryset):
        try:
            for grant in queryset.order_by("pk"):
                record_grant_revoke(grant=grant, actor=request.user)
        except CounsellingError as error:
            self.message_user(request, str(error.message), messages.ERROR)
        else:
            self.message_user(request, _("The grants were revoked."), messages.SUCCESS)


class SpotCheckMixin:
    """Supervisors and managers draw the monthly samples and record findings; the leadership reads them."""

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        user = request.user
        return user.is_superuser or may_spot_check(user) or may_supervise_counsellors(user)

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser or may_spot_check(request.user)


class SpotCheckSampleForm(forms.ModelForm):
    class Meta:
        model = SpotCheckSample
        fields = ["counsellor", "month", "size"]


@admin.register(SpotCheckSample)
class SpotCheckSampleAdmin(SpotCheckMixin, ServiceAddMixin, admin.ModelAdmin):
    """Each draw of a monthly sample: who drew it, when, and the records it gave (the same on every draw)."""

    form = SpotCheckSampleForm
    list_display = ["pk", "counsellor", "month", "size", "drawn_by", "drawn_at"]
    list_select_related = ["counsellor", "drawn_by"]
    list_filter = ["month"]
    raw_id_fields = ["counsellor"]
    readonly_fields = ["drawn_records"]

    def get_fields(self, request, obj=None):
        return (
            ["counsellor", "month", "size"]
            if obj is None
            else ["counsellor", "month", "size", "drawn_records"]
        )

    @admin.display(description=_("records drawn"))
    def drawn_records(self, obj) -> str:
        return ", ".join(str(pk) for pk in obj.records.order_by("pk").values_list("pk", flat=True)) or "—"

    def service_create(self, request, cleaned):
        return spot_check_sample_draw(
            counsellor=cleaned["counsellor"], month=cleaned["month"], size=cleaned["size"], actor=request.user
        )


@admin.register(SpotCheckFinding)
class SpotCheckFindingAdmin(SpotCheckMixin, ServiceAddMixin, admin.ModelAdmin):
    list_display = ["pk", "sample", "record", "outcome", "recorded_by", "recorded_at"]
    list_select_related = ["sample", "record", "recorded_by"]
    list_filter = ["outcome"]
    fields = ["sample", "record", "outcome", "note"]
    raw_id_fields = ["sample", "record"]

    def service_create(self, request, cleaned):
        return spot_check_finding_record(
            actor=request.user, **{name: cleaned.get(name) for name in self.fields}
        )


class CounsellorReviewForm(forms.ModelForm):
    class Meta:
        model = CounsellorReview
        fields = ["counsellor", "period_start", "period_end", "decision", "notes"]


@admin.register(CounsellorReview)
class CounsellorReviewAdmin(SupervisionMixin, ServiceAddMixin, admin.ModelAdmin):
    """Periodic reviews: the figures are gathered when the review is recorded and kept with it."""

    form = CounsellorReviewForm
    list_display = ["counsellor", "period_start", "period_end", "decision", "reviewed_by", "reviewed_at"]
    list_select_related = ["counsellor", "reviewed_by"]
    list_filter = ["decision"]
    raw_id_fields = ["counsellor"]
    readonly_fields = ["figures"]

    def get_fields(self, request, obj=None):
        fields = ["counsellor", "period_start", "period_end", "decision", "notes"]
        return fields if obj is None else [*fields, "figures"]

    def service_create(self, request, cleaned):
        return counsellor_review_record(actor=request.user, **cleaned)


class ExpertAssessmentForm(forms.ModelForm):
    class Meta:
        model = ExpertAssessment
        fields = [
            "counsellor",
            "expert_name",
            "expert_affiliation",
            "assessed_on",
            "assessment",
            "recommendation",
        ]


@admin.register(ExpertAssessment)
class ExpertAssessmentAdmin(SupervisionMixin, ServiceAddMixin, admin.ModelAdmin):
    form = ExpertAssessmentForm
    list_display = ["counsellor", "expert_name", "assessed_on", "recommendation", "recorded_by"]
    list_select_related = ["counsellor", "recorded_by"]
    list_filter = ["recommendation"]
    raw_id_fields = ["counsellor"]

    def service_create(self, request, cleaned):
        return expert_assessment_record(actor=request.user, **cleaned)


class CounsellorPenaltyForm(forms.ModelForm):
    class Meta:
        model = CounsellorPenalty
        fields = ["counsellor", "kind", "reason", "starts_at", "ends_at", "review"]


@admin.register(CounsellorPenalty)
class CounsellorPenaltyAdmin(SupervisionMixin, ServiceAddMixin, admin.ModelAdmin):
    """Warnings, suspensions and removals, with the counsellor's reply; a suspension or removal takes effect
    on booking at its start, by the bookable rule."""

    form = CounsellorPenaltyForm
    list_display = ["counsellor", "kind", "starts_at", "ends_at", "imposed_by", "replied_at"]
    list_select_related = ["counsellor", "imposed_by"]
    list_filter = ["kind"]
    raw_id_fields = ["counsellor", "review"]
    readonly_fields = ["reply", "replied_at"]

    def get_fields(self, request, obj=None):
        fields = ["counsellor", "kind", "reason", "starts_at", "ends_at", "review"]
        return fields if obj is None else [*fields, "reply", "replied_at"]

    def service_create(self, request, cleaned):
        return counsellor_penalty_impose(actor=request.user, **cleaned)


class SafetyNoteForm(ActionForm):
    note = forms.CharField(label=_("Follow-up or closing note"), required=False, max_length=1000)


class SafetyCaseEventInline(admin.TabularInline):
    model = SafetyCaseEvent
    fields = ["created_at", "kind", "from_state", "to_state", "actor", "body"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SafetyCase)
class SafetyCaseAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    """The safety officer's cases, opened by risk flags: acknowledge, record the follow-up, close, as
    actions. The session notes are not shown here; the client's identity and contact are, and each opening
    is logged."""

    list_display = [
        "reference",
        "risk",
        "state",
        "opened_at",
        "acknowledged_at",
        "followed_up_at",
        "closed_at",
    ]
    list_filter = ["state", "risk"]
    search_fields = ["reference"]
    show_full_result_count = False
    fields = [
        "reference",
        "risk",
        "state",
        "counsellor",
        "client",
        "client_contact",
        "opened_at",
        "handler",
        "acknowledged_at",
        "follow_up",
        "followed_up_at",
        "close_note",
        "closed_at",
    ]
    readonly_fields = fields
    inlines = [SafetyCaseEventInline]
    action_form = SafetyNoteForm
    actions = ["acknowledge", "follow_up", "close"]
    personal_data_fields = ("client", "risk", "follow_up", "mobile")
    personal_data_list_fields = ("reference", "risk")
    personal_data_subject_fields = ("client_id",)

    def personal_data_subject(self, obj):
        return obj.client

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("client", "counsellor", "handler")

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        return user.is_superuser or is_safety_officer(user) or bool(user.role_names & {"leadership"})

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        return actions if is_safety_officer(request.user) else {}

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied  # before the row is looked up, as the change screen does
        return super().history_view(request, object_id, extra_context)

    @admin.display(description=_("client's mobile number"))
    def client_contact(self, obj) -> str:
        identity = getattr(obj.client, "counselling_identity", None)
        return identity.mobile if identity is not None else (obj.client.mobile or "—")

    def _move(self, request, queryset, service, **values) -> None:
        for case in queryset.order_by("pk"):
            try:
                service(case=case, actor=request.user, **values)
            except CounsellingError as error:
                self.message_user(request, f"{case.reference}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, _("%(reference)s: saved.") % {"reference": case.reference})

    @admin.action(description=_("Acknowledge: take the selected cases on"))
    def acknowledge(self, request, queryset):
        self._move(request, queryset, safety_case_acknowledge)

    @admin.action(description=_("Record the follow-up (write it below)"))
    def follow_up(self, request, queryset):
        self._move(request, queryset, safety_case_follow_up, note=request.POST.get("note", ""))

    @admin.action(description=_("Close the selected cases (closing note below)"))
    def close(self, request, queryset):
        self._move(request, queryset, safety_case_close, note=request.POST.get("note", ""))
