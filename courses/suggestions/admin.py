"""The staff's suggestions queue: the suggestions of the courses of their department (every course for a
superuser), open ones first, each with its answers as buttons after the change form (accept, plan, decline
with a reason, done with the version), every move through its service. Who proposed is not shown."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_moves import MoveFormsAdminMixin

from ..forms import AcceptForm, DeclineForm, DoneForm, PlanForm
from ..permissions import is_course_staff, may_answer_suggestions
from . import services
from .models import UpdateSuggestion
from .selectors import suggestions_for_owner
from .workflow import Transition, allowed_transitions

SERVICES = {
    Transition.ACCEPT: services.suggestion_accept,
    Transition.PLAN: services.suggestion_plan,
    Transition.DECLINE: services.suggestion_decline,
    Transition.DONE: services.suggestion_mark_done,
}


@admin.register(UpdateSuggestion)
class UpdateSuggestionAdmin(MoveFormsAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "course", "kind", "chapter", "state", "support_count", "created_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["course"]
    search_fields = ["reference"]
    fields = [
        "reference",
        "course",
        "kind",
        "chapter",
        "text",
        "state",
        "decline_reason",
        "version",
        "created_at",
    ]
    readonly_fields = fields
    list_per_page = 50
    actions = None
    change_form_template = "admin/courses/moves.html"
    moves = {
        Transition.ACCEPT.value: (AcceptForm, gettext_lazy("Accept the suggestion")),
        Transition.PLAN.value: (PlanForm, gettext_lazy("Plan it for a coming version")),
        Transition.DECLINE.value: (DeclineForm, gettext_lazy("Decline, with the reason")),
        Transition.DONE.value: (DoneForm, gettext_lazy("Done, in a version")),
    }
    move_missing = gettext_lazy("This suggestion is not among those you answer.")
    moves_heading = gettext_lazy("Answer the suggestion")
    moves_intro = gettext_lazy("The learner who proposed it and every supporter are told of the answer.")

    def has_module_permission(self, request) -> bool:
        return is_course_staff(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_course_staff(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return suggestions_for_owner(user=request.user)

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    @admin.display(description=gettext_lazy("support"), ordering="support_count")
    def support_count(self, suggestion: UpdateSuggestion) -> int:
        return suggestion.support_count

    def move_allowed(self, request) -> bool:
        return is_course_staff(request.user)

    def moves_offered(self, request, obj) -> list[str]:
        if not may_answer_suggestions(request.user, obj.course):
            return []
        return [str(move) for move in allowed_transitions(state=obj.state)]

    def move_perform(self, request, obj, name: str, cleaned: dict) -> str:
        SERVICES[Transition(name)](suggestion=obj, actor=request.user, **cleaned)
        return _("Suggestion %(reference)s answered.") % {"reference": obj.reference}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(show_save=False, show_save_and_continue=False, show_save_and_add_another=False)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )
