"""The moderators' queue: comments that wait to be published or rejected, without who wrote them.

Only holders of ``ratings.moderate_rating`` (and superusers) see it. Each comment's page lists its subject,
score, text and time, never the rater or the source (an appointment would name them), and offers two moves
after Django's change form, each a form of its own posting to its view, which calls the service.
"""

import copy

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
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
class RatingModerationAdmin(NoBidiControlsAdminMixin, admin.ModelAdmin):
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

    def get_urls(self):
        move = path(
            "<path:object_id>/move/<slug:name>/",
            self.admin_site.admin_view(self.move_view),
            name="ratings_rating_move",
        )
        return [move, *super().get_urls()]

    def _move_form(self, name: str, data=None):
        form_class = MODERATION_MOVES[name][0]
        return None if form_class is None else form_class(data, prefix=name)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            failed_name, failed_form = context.pop("failed_move", None) or (None, None)
            context["moves"] = [
                {
                    "name": name,
                    "label": label,
                    "form": failed_form if name == failed_name else self._move_form(name),
                    "url": reverse("admin:ratings_rating_move", args=[obj.pk, name]),
                }
                for name, (_form, label) in MODERATION_MOVES.items()
            ]
            context.update(show_save=False, show_save_and_continue=False, show_save_and_add_another=False)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def move_view(self, request, object_id, name):
        """Publish or reject one waiting comment through the service; a refused reason is shown next to its
        field, on the comment's page again, and nothing changes."""
        if not may_moderate_ratings(request.user):
            raise PermissionDenied  # before the comment is looked up
        if name not in MODERATION_MOVES:
            raise Http404
        queue = reverse("admin:ratings_rating_changelist")
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:ratings_rating_change", args=[object_id]))
        rating = self.get_object(request, unquote(object_id))
        if rating is None:
            self.message_user(request, _("This comment is not awaiting moderation."), messages.ERROR)
            return HttpResponseRedirect(queue)
        form = self._move_form(name, request.POST)
        if form is None or form.is_valid():
            try:
                rating_comment_moderate(
                    rating=rating,
                    actor=request.user,
                    publish=name == "publish",
                    reason=form.cleaned_data["reason"] if form is not None else "",
                )
            except DomainError as error:
                if form is None or error.field not in form.fields:
                    self.message_user(request, str(error.message), messages.ERROR)
                    return HttpResponseRedirect(reverse("admin:ratings_rating_change", args=[rating.pk]))
                form.add_error(error.field, str(error.message))
            else:
                done = _("Comment published.") if name == "publish" else _("Comment rejected.")
                self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(queue)
        page_request = copy.copy(request)
        page_request.method = "GET"
        response = self.change_view(page_request, str(rating.pk), extra_context={"failed_move": (name, form)})
        response.status_code = 400
        return response
