from django.contrib import admin

from core.validators import NoBidiControlsAdminMixin

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


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "severity",
        "is_urgent",
        "acknowledge_within",
        "first_response_within",
        "resolve_within",
        "warning_percent",
        "calendar",
    ]
    list_select_related = ["calendar"]
    list_editable = ["acknowledge_within", "first_response_within", "resolve_within", "warning_percent"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # every severity and urgency needs a policy


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "complaint", "target", "level"]
    list_select_related = ["complaint"]
    list_filter = ["level", "target"]
    search_fields = ["complaint__reference"]
    show_full_result_count = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Clock)
class ClockAdmin(EscalationAdmin):
    list_display = ["complaint", "target", "due_at", "met_at", "paused_at", "warned_at", "breached_at"]
    list_filter = ["target"]
    date_hierarchy = None
