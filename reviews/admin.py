"""Staff screens of reviews for managers and the leadership group: measures and schedules edited here;
reviews and decisions read here and changed through services (a review is recorded on the managers' page,
so its complaint figures are computed by the service)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.errors import DomainError
from core.validators import NoBidiControlsAdminMixin
from privacy import policy
from surveys.selectors import opinion_survey_results

from .models import Review, ReviewDecision, ReviewReminder, ReviewSchedule, RightsMeasure
from .permissions import may_manage_reviews
from .services import review_decision_complete


class ManagersOnlyAdmin(admin.ModelAdmin):
    """Managers and the leadership group edit these; no one else sees them."""

    def has_module_permission(self, request) -> bool:
        return may_manage_reviews(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return may_manage_reviews(request.user)

    def has_add_permission(self, request) -> bool:
        return may_manage_reviews(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return may_manage_reviews(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def history_view(self, request, object_id, extra_context=None):
        # Refused before the row is looked up, as the change screen is: a reader without the right is not
        # told whether the row exists.
        if not self.has_view_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)


class ReadByManagersAdmin(ManagersOnlyAdmin):
    """Read here, changed through services only."""

    def get_queryset(self, request):
        return policy.visible_to(user=request.user, queryset=super().get_queryset(request))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RightsMeasure)
class RightsMeasureAdmin(NoBidiControlsAdminMixin, ManagersOnlyAdmin):
    bidi_free_fields = ("name", "name_en")
    list_display = ["code", "name", "name_en", "responsible", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["responsible"]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = []
    raw_id_fields = ["responsible"]


@admin.register(ReviewSchedule)
class ReviewScheduleAdmin(ManagersOnlyAdmin):
    list_display = ["__str__", "interval_months", "first_due_on", "remind_days_before", "is_active"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["measure"]


class DecisionInline(admin.TabularInline):
    model = ReviewDecision
    extra = 0
    can_delete = False
    fields = ["change", "owner", "due_date", "state", "done_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(ReadByManagersAdmin):
    list_display = ["__str__", "kind", "held_on", "period_start", "period_end", "responsible"]
    list_filter = ["kind", "measure"]
    list_select_related = ["measure", "responsible"]
    date_hierarchy = "held_on"
    fields = [
        "kind",
        "measure",
        "responsible",
        "held_on",
        "period_start",
        "period_end",
        "participants",
        "findings",
        "opinions_summary",
        "opinions_source",
        "opinions_survey",
        "opinions_results",
        "figures",
        "created_by",
        "created_at",
    ]
    readonly_fields = fields
    inlines = [DecisionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("opinions_survey")

    @admin.display(description=_("opinion survey results"))
    def opinions_results(self, review: Review) -> str:
        if review.opinions_survey is None:
            return "-"
        return render_to_string(
            "surveys/opinion_results.html", {"results": opinion_survey_results(survey=review.opinions_survey)}
        )


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(ReadByManagersAdmin):
    list_display = ["__str__", "review", "owner", "due_date", "state", "done_at"]
    list_filter = ["state"]
    list_select_related = ["review", "review__measure", "owner"]
    fields = [
        "review",
        "change",
        "owner",
        "due_date",
        "state",
        "done_at",
        "done_by",
        "created_by",
        "created_at",
    ]
    readonly_fields = fields
    actions = ["mark_done"]

    @admin.action(description=_("Mark the selected decisions done"), permissions=["view"])
    def mark_done(self, request, queryset):
        done = 0
        for decision in queryset.filter(state=ReviewDecision.State.OPEN):
            try:
                review_decision_complete(decision=decision, actor=request.user)
            except DomainError as error:
                self.message_user(request, str(error.message), messages.ERROR)
            else:
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d decision marked done.", "%(count)d decisions marked done.", done)
            % {"count": done},
        )


@admin.register(ReviewReminder)
class ReviewReminderAdmin(ManagersOnlyAdmin):
    """The reminders sent: written by the sweep only."""

    list_display = ["schedule", "due_on", "level", "recipients", "created_at"]
    list_filter = ["level"]
    list_select_related = ["schedule", "schedule__measure"]
    fields = ["schedule", "due_on", "level", "recipients", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
