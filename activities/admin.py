"""The staff's activity screens: activities prepared with a form the rules check, moved (publish, take back,
cancel, finish) through their services, and the registrations of each, where attendance is recorded."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_moves import MoveFormsAdminMixin
from core.validators import NoBidiControlsAdminMixin
from privacy.admin import PersonalDataAdminMixin

from . import services
from .forms import ActivityAdminForm
from .models import Activity, EventKind, Registration, RegistrationStatus, State
from .permissions import is_activity_staff
from .selectors import activities_visible
from .services import EDITABLE_FIELDS
from .workflow import Transition, allowed_transitions


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason, told to no one but kept on the timeline"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )


ACTIVITY_MOVES = {
    str(Transition.PUBLISH): (None, Transition.PUBLISH.label),
    str(Transition.UNPUBLISH): (None, Transition.UNPUBLISH.label),
    str(Transition.CANCEL): (CancelForm, Transition.CANCEL.label),
    str(Transition.FINISH): (None, Transition.FINISH.label),
}


class ActivityStaffAdminMixin:
    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser or is_activity_staff(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or is_activity_staff(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)


@admin.register(Activity)
class ActivityAdmin(ActivityStaffAdminMixin, MoveFormsAdminMixin, NoBidiControlsAdminMixin, admin.ModelAdmin):
    form = ActivityAdminForm
    bidi_free_fields = ("title", "description", "place")
    list_display = ["title", "kind", "state", "starts_at", "places", "registrations_link"]
    list_filter = ["state", "kind"]
    search_fields = ["title"]
    list_per_page = 50
    show_full_result_count = False
    actions = None
    readonly_fields = ["state", "announced_at", "timeline"]
    fieldsets = [
        (None, {"fields": ["title", "description", "kind", "organiser", "state", "announced_at"]}),
        (gettext_lazy("When and where"), {"fields": ["starts_at", "ends_at", "place", "link"]}),
        (
            gettext_lazy("Registration"),
            {"fields": ["capacity", "registration_opens_at", "registration_closes_at", "check_in_code"]},
        ),
        (gettext_lazy("Timeline"), {"fields": ["timeline"]}),
    ]
    change_form_template = "admin/courses/moves.html"
    moves = ACTIVITY_MOVES
    moves_heading = gettext_lazy("Move the activity")
    moves_intro = gettext_lazy(
        "Publishing opens the activity to registration and, the first time, tells every subscriber. "
        "Cancelling tells everyone registered or waiting."
    )

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser or is_activity_staff(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = request.user.is_superuser or is_activity_staff(request.user)
        return allowed and (obj is None or obj.state in (State.DRAFT, State.PUBLISHED))

    def get_queryset(self, request):
        return (
            activities_visible(user=request.user)
            .select_related("organiser")
            .annotate(
                taken=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED))
            )
        )

    def get_changeform_initial_data(self, request):
        return {"organiser": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS}
        organiser = form.cleaned_data["organiser"]
        if change:
            saved = services.activity_update(activity=obj, actor=request.user, organiser=organiser, **values)
        else:
            saved = services.activity_create(actor=request.user, organiser=organiser, **values)
        obj.pk, obj.state, obj.created_at = saved.pk, saved.state, saved.created_at
        obj._state.adding = False

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        failed = context.get("failed_move")
        if failed is not None:
            context["failed_form"] = failed[1]  # the refused move's bound form, with its errors
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def move_allowed(self, request) -> bool:
        return request.user.is_superuser or is_activity_staff(request.user)

    def moves_offered(self, request, obj) -> list[str]:
        return [str(transition) for transition in allowed_transitions(state=obj.state)]

    def move_done_url(self, request, obj) -> str:
        if obj is None:
            return super().move_done_url(request, obj)
        return reverse("admin:activities_activity_change", args=[obj.pk])

    def move_perform(self, request, obj, name: str, cleaned: dict) -> str:
        if name == Transition.PUBLISH:
            services.activity_publish(activity=obj, actor=request.user)
        elif name == Transition.UNPUBLISH:
            services.activity_unpublish(activity=obj, actor=request.user)
        elif name == Transition.CANCEL:
            services.activity_cancel(activity=obj, actor=request.user, reason=cleaned["reason"])
        else:
            services.activity_finish(activity=obj, actor=request.user)
        return _("%(move)s: done for “%(title)s”.") % {"move": ACTIVITY_MOVES[name][1], "title": obj.title}

    @admin.display(description=gettext_lazy("places taken"))
    def places(self, activity: Activity) -> str:
        return f"{getattr(activity, 'taken', 0)} / {activity.capacity}"

    @admin.display(description=gettext_lazy("registrations"))
    def registrations_link(self, activity: Activity) -> str:
        url = reverse("admin:activities_registration_changelist") + f"?activity__id__exact={activity.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Registrations and attendance"))

    @admin.display(description=gettext_lazy("timeline"))
    def timeline(self, activity: Activity) -> str:
        if activity.pk is None:
            return "—"
        events = activity.events.select_related("actor").order_by("created_at", "id")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} · {} · {}</li>",
                (
                    (
                        timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M"),
                        State(event.to_state).label if event.to_state else EventKind(event.kind).label,
                        event.actor.display_name if event.actor else _("the platform"),
                    )
                    for event in events
                ),
            ),
        )


@admin.register(Registration)
class RegistrationAdmin(ActivityStaffAdminMixin, PersonalDataAdminMixin, admin.ModelAdmin):
    """Who registered for which activity; staff record attendance here with the actions."""

    list_display = ["person", "activity", "status", "queued_at", "attended_at"]
    list_filter = ["status", ("activity", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["person", "activity"]
    fields = [
        "activity",
        "person",
        "status",
        "created_at",
        "queued_at",
        "promoted_at",
        "cancelled_at",
        "reminded_at",
        "attended_at",
        "attendance_recorded_by",
    ]
    readonly_fields = fields
    list_per_page = 100
    show_full_result_count = False
    actions = ["mark_attended", "mark_not_attended"]
    personal_data_fields = ("person",)
    personal_data_list_fields = ("person",)
    personal_data_subject_fields = ("person_id",)

    def personal_data_subject(self, obj):
        return obj.person

    def has_add_permission(self, request) -> bool:
        return False  # learners and parents register on the site

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # attendance is recorded with the actions, through the service

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not (request.user.is_superuser or is_activity_staff(request.user)):
            return {}
        return actions

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("activity_id", "queued_at", "id")

    @admin.action(description=gettext_lazy("Mark the selected people as attended"))
    def mark_attended(self, request, queryset):
        changed = services.registrations_attendance_record(
            registrations=queryset, actor=request.user, attended=True
        )
        self.message_user(
            request, _("Attendance recorded for %(count)d people.") % {"count": changed}, messages.SUCCESS
        )

    @admin.action(description=gettext_lazy("Mark the selected people as not attended"))
    def mark_not_attended(self, request, queryset):
        changed = services.registrations_attendance_record(
            registrations=queryset, actor=request.user, attended=False
        )
        self.message_user(
            request, _("Attendance taken back for %(count)d people.") % {"count": changed}, messages.SUCCESS
        )
