from django.contrib import admin, messages
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.validators import NoBidiControlsAdminMixin

from .coverage import calendar_coverage_text
from .models import CalendarDate, Clock, Escalation, OfficeHours, SlaPolicy, WorkCalendar


class OfficeHoursInline(admin.TabularInline):
    model = OfficeHours
    extra = 0


class CalendarDateInline(admin.TabularInline):
    model = CalendarDate
    extra = 0


@admin.register(WorkCalendar)
class WorkCalendarAdmin(NoBidiControlsAdminMixin, admin.ModelAdmin):
    bidi_free_fields = ("name",)
    list_display = ["name", "round_the_clock", "follows_official_calendar", "time_zone"]
    inlines = [OfficeHoursInline, CalendarDateInline]
    readonly_fields = ["official_calendar"]

    @admin.display(description=_("official calendar"))
    def official_calendar(self, calendar: WorkCalendar | None = None) -> str:
        return calendar_coverage_text()

    def changelist_view(self, request, extra_context=None):
        messages.info(request, calendar_coverage_text())
        return super().changelist_view(request, extra_context)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "subject_type",
        "severity",
        "is_urgent",
        "acknowledge_within",
        "acknowledge_unit",
        "first_response_within",
        "first_response_unit",
        "resolve_within",
        "resolve_unit",
        "warning_percent",
        "calendar",
    ]
    list_select_related = ["calendar", "subject_type"]
    list_filter = ["subject_type"]
    list_editable = [
        "acknowledge_within",
        "acknowledge_unit",
        "first_response_within",
        "first_response_unit",
        "resolve_within",
        "resolve_unit",
        "warning_percent",
    ]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # every severity and urgency needs a policy


class ReachedFilter(admin.SimpleListFilter):
    """Escalations that found nobody to tell, even through the fallback chain, are the ones to fix."""

    title = _("people told")
    parameter_name = "reached"

    def lookups(self, request, model_admin):
        return [("no", _("Nobody told")), ("yes", _("Someone told"))]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() == "no":
            return queryset.filter(reached_nobody=True)
        if self.value() == "yes":
            return queryset.filter(reached_nobody=False)
        return queryset


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "subject_type", "subject_id", "target", "level", "reached_shown"]
    list_select_related = ["subject_type"]
    list_filter = [ReachedFilter, "level", "target", "subject_type"]

    @admin.display(description=_("people told"), ordering="reached_nobody")
    def reached_shown(self, escalation: Escalation) -> str:
        if escalation.reached_nobody:
            return str(_("Nobody: no owner, supervisor or leadership group member"))
        return str(_("Someone told"))


@admin.register(Clock)
class ClockAdmin(ReadOnlyAdmin):
    list_display = [
        "subject_type",
        "subject_id",
        "target",
        "due_at",
        "met_at",
        "paused_at",
        "warned_at",
        "breached_at",
    ]
    list_select_related = ["subject_type"]
    list_filter = ["target", "subject_type"]
