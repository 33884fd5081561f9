"""The moderators' queue: comments that wait to be published or rejected, without who wrote them.

Only holders of ``ratings.moderate_rating`` (and superusers) see it. Each comment's page lists its subject,
score, text and time, never the rater or the source (an appointment would name them), and offers two moves
after Django's change form, each a form of its own posting to its view, which calls the service.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_moves import MoveFormsAdminMixin
from core.validators import NoBidiControlsAdminMixin, validate_no_bidi_controls

from .models import REASON_MAX_LENGTH, Rating
from .permissions import may_moderate_ratings
from .selectors import ratings_awaiting_moderation
from .services import rating_comment_moderate

EXCERPT_LENGTH = 80


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason it is not published"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_bidi_controls],
    )


# name -> (form, label)
MODERATION_MOVES = {
    "publish": (None, gettext_lazy("Publish the comment")),
    "reject": (RejectForm, gettext_lazy("Reject the comment, with a reason")),
}


@admin.register(Rating)
class RatingModerationAdmin(MoveFormsAdminMixin, NoBidiControlsAdminMixin, admin.ModelAdmin):
    bidi_free_fields = ("comment", "moderation_reason", "reply")
    list_display = ["subject_name", "score", "comment_excerpt", "created_at"]
    list_display_links = ["subject_name", "comment_excerpt"]
    fields = ["subject_name", "score", "comment", "created_at"]
    readonly_fields = fields
    ordering = ["created_at", "id"]
    list_per_page = 50
    show_full_result_count = False
    actions = None
    change_form_template = "admin/ratings/rating/moderate.html"
    moves = MODERATION_MOVES
    move_missing = gettext_lazy("This comment is not awaiting moderation.")
    moves_heading = gettext_lazy("Moderate the comment")
    moves_intro = gettext_lazy(
        "A published comment is shown without the rater's name; a rejected one stays unpublished."
    )

    def has_module_permission(self, request) -> bool:
        return may_moderate_ratings(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return may_moderate_ratings(request.user)

    def has_add_permission(self, request) -> bool:
        return False  # ratings are given through the domains' services

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the moves change a comment, each through its service

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        # The subjects of a page in one query per kind of subject, whatever the page size.
        return ratings_awaiting_moderation().prefetch_related("subject")

    def history_view(self, request, object_id, extra_context=None):
        # Refused before the row is looked up, as the change screen is: others learn nothing.
        if not self.has_view_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    @admin.display(description=gettext_lazy("rated"))
    def subject_name(self, rating: Rating) -> str:
        return str(rating.subject) if rating.subject is not None else "—"

    @admin.display(description=gettext_lazy("comment"))
    def comment_excerpt(self, rating: Rating) -> str:
        text = rating.comment
        return text if len(text) <= EXCERPT_LENGTH else f"{text[:EXCERPT_LENGTH]}…"

    def move_allowed(self, request) -> bool:
        return may_moderate_ratings(request.user)

    def move_perform(self, request, obj, name: str, cleaned: dict) -> str:
        rating_comment_moderate(
            rating=obj, actor=request.user, publish=name == "publish", reason=cleaned.get("reason", "")
        )
        return _("Comment published.") if name == "publish" else _("Comment rejected.")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(show_save=False, show_save_and_continue=False, show_save_and_add_another=False)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )
