"""The staff's evaluation screens: the questionnaires with their questions, and the moderators' queue of
free-text answers (publish, or reject with a reason), which never shows who wrote them."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_moves import MoveFormsAdminMixin
from core.validators import NoBidiControlsAdminMixin, validate_no_bidi_controls
from ratings.permissions import may_moderate_ratings

from .models import REASON_MAX_LENGTH, EvaluationQuestion, EvaluationTemplate, EvaluationText
from .selectors import evaluation_texts_awaiting_moderation
from .services import evaluation_text_moderate

EXCERPT_LENGTH = 80


class EvaluationQuestionInline(admin.TabularInline):
    model = EvaluationQuestion
    extra = 1
    fields = ["position", "kind", "text", "text_en", "required"]


@admin.register(EvaluationTemplate)
class EvaluationTemplateAdmin(NoBidiControlsAdminMixin, admin.ModelAdmin):
    bidi_free_fields = ("name", "name_en")
    list_display = ["name", "name_en", "is_default", "created_at"]
    fields = ["name", "name_en", "is_default"]
    inlines = [EvaluationQuestionInline]


class TextRejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason it is not published"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_bidi_controls],
    )


@admin.register(EvaluationText)
class EvaluationTextModerationAdmin(MoveFormsAdminMixin, admin.ModelAdmin):
    list_display = ["course_name", "question_text", "text_excerpt", "created_at"]
    list_display_links = ["course_name", "text_excerpt"]
    fields = ["course_name", "question_text", "text", "created_at"]
    readonly_fields = fields
    ordering = ["created_at", "id"]
    list_per_page = 50
    show_full_result_count = False
    actions = None
    change_form_template = "admin/courses/moves.html"
    moves = {
        "publish": (None, gettext_lazy("Publish to the course's instructors")),
        "reject": (TextRejectForm, gettext_lazy("Reject the answer, with a reason")),
    }
    move_missing = gettext_lazy("This answer is not awaiting moderation.")
    moves_heading = gettext_lazy("Moderate the answer")
    moves_intro = gettext_lazy(
        "A published answer is shown to the course's instructors without the learner's name, once enough "
        "learners have evaluated the course."
    )

    def has_module_permission(self, request) -> bool:
        return may_moderate_ratings(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return may_moderate_ratings(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return evaluation_texts_awaiting_moderation().select_related("evaluation__course", "question")

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    @admin.display(description=gettext_lazy("course"))
    def course_name(self, text: EvaluationText) -> str:
        return str(text.evaluation.course)

    @admin.display(description=gettext_lazy("question"))
    def question_text(self, text: EvaluationText) -> str:
        return text.question.localized_text

    @admin.display(description=gettext_lazy("answer"))
    def text_excerpt(self, text: EvaluationText) -> str:
        return text.text if len(text.text) <= EXCERPT_LENGTH else f"{text.text[:EXCERPT_LENGTH]}…"

    def move_allowed(self, request) -> bool:
        return may_moderate_ratings(request.user)

    def move_perform(self, request, obj, name: str, cleaned: dict) -> str:
        evaluation_text_moderate(
            text=obj, actor=request.user, publish=name == "publish", reason=cleaned.get("reason", "")
        )
        return _("Answer published.") if name == "publish" else _("Answer rejected.")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(show_save=False, show_save_and_continue=False, show_save_and_add_another=False)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )
