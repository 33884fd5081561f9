"""The moderators' screens: the queue of reported messages (hide, restore, warn, mute, dismiss), the appeals
against their decisions, and the sensitive-word list.

Only holders of ``community.moderate_community`` (and superusers) see them. Each move is a form of its own
after the change page (``core.admin_moves``) that calls one service; every decision carries the reason its
author reads.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_moves import MoveFormsAdminMixin
from core.validators import NoBidiControlsAdminMixin, validate_no_bidi_controls

from . import selectors, services
from .errors import CommunityError
from .models import REASON_MAX_LENGTH, Appeal, ModerationAction, Post, Reply, Report, SensitiveWord
from .permissions import may_moderate_community
from .services import MAX_MUTE_DAYS, Decision

EXCERPT_LENGTH = 80


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason the author reads"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_bidi_controls],
    )


class MuteForm(ReasonForm):
    days = forms.IntegerField(label=gettext_lazy("Days"), min_value=1, max_value=MAX_MUTE_DAYS, initial=7)


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the decision"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_bidi_controls],
    )


class ModeratorOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request) -> bool:
        return may_moderate_community(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return may_moderate_community(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def history_view(self, request, object_id, extra_context=None):
        # Refused before the row is looked up, as the change screen is: others learn nothing.
        if not self.has_view_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(show_save=False, show_save_and_continue=False, show_save_and_add_another=False)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_LENGTH else f"{text[:EXCERPT_LENGTH]}…"


# name -> (form, label)
REPORT_MOVES = {
    "hide": (ReasonForm, gettext_lazy("Hide the message")),
    "restore": (ReasonForm, gettext_lazy("Restore the message")),
    "warn": (ReasonForm, gettext_lazy("Warn the author")),
    "mute": (MuteForm, gettext_lazy("Mute the author for a period")),
    "dismiss": (None, gettext_lazy("Dismiss the report")),
}


@admin.register(Report)
class ModerationQueueAdmin(MoveFormsAdminMixin, ModeratorOnlyAdmin):
    list_display = ["message_excerpt", "reason", "target_state", "created_at"]
    list_display_links = ["message_excerpt"]
    list_filter = ["reason"]
    fields = ["reason", "text", "message_author", "message_text", "target_state", "created_at"]
    readonly_fields = fields
    list_per_page = 50
    show_full_result_count = False
    actions = None
    change_form_template = "admin/community/moves.html"
    moves = REPORT_MOVES
    move_missing = gettext_lazy("This report is not in the queue any more.")
    moves_heading = gettext_lazy("Decide about the reported message")
    moves_intro = gettext_lazy(
        "The author reads the reason on their moderation page and may appeal. A hidden message leaves every "
        "list, page and search at once."
    )

    def get_queryset(self, request):
        return selectors.moderation_queue()

    @admin.display(description=gettext_lazy("message"))
    def message_excerpt(self, report: Report) -> str:
        target = report.target
        return _excerpt(target.title if report.post_id else target.body)

    @admin.display(description=gettext_lazy("author"))
    def message_author(self, report: Report) -> str:
        return str(report.target.author)

    @admin.display(description=gettext_lazy("text"))
    def message_text(self, report: Report) -> str:
        target = report.target
        return f"{target.title}\n\n{target.body}" if report.post_id else target.body

    @admin.display(description=gettext_lazy("shown"), boolean=True)
    def target_state(self, report: Report) -> bool:
        return not report.target.is_hidden

    def move_allowed(self, request) -> bool:
        return may_moderate_community(request.user)

    def moves_offered(self, request, obj) -> list[str]:
        shown = "restore" if obj.target.is_hidden else "hide"
        return [name for name in self.moves if name not in {"hide", "restore"} or name == shown]

    def move_perform(self, request, obj, name: str, cleaned: dict) -> str:
        if name == "dismiss":
            services.report_dismiss(actor=request.user, report=obj)
            return _("Report dismissed.")
        decision = Decision(kind=name, reason=cleaned.get("reason", ""), mute_days=cleaned.get("days"))
        services.report_act(actor=request.user, report=obj, decision=decision)
        return {
            "hide": _("Message hidden; its author is told why."),
            "restore": _("Message restored; its author is told."),
            "warn": _("Author warned; they are told why."),
            "mute": _("Author muted; they are told why and until when."),
        }[name]


APPEAL_MOVES = {
    "uphold": (DecisionForm, gettext_lazy("Uphold the appeal (undo the action)")),
    "reject": (DecisionForm, gettext_lazy("Reject the appeal (the action stands)")),
}


@admin.register(Appeal)
class AppealAdmin(MoveFormsAdminMixin, ModeratorOnlyAdmin):
    list_display = ["action_kind", "text_excerpt", "state", "created_at"]
    list_display_links = ["action_kind", "text_excerpt"]
    list_filter = ["state"]
    fields = [
        "action_kind",
        "action_reason",
        "muted_until",
        "message_text",
        "text",
        "state",
        "decision_reason",
    ]
    readonly_fields = fields
    list_per_page = 50
    show_full_result_count = False
    actions = None
    change_form_template = "admin/community/moves.html"
    moves = APPEAL_MOVES
    move_missing = gettext_lazy("This appeal is not here any more.")
    moves_heading = gettext_lazy("Decide the appeal")
    moves_intro = gettext_lazy(
        "The author reads the reason; a moderator does not decide an appeal against their own decision."
    )

    def get_queryset(self, request):
        return selectors.appeals_queue().select_related("action__post", "action__reply")

    @admin.display(description=gettext_lazy("decision appealed"))
    def action_kind(self, appeal: Appeal) -> str:
        return appeal.action.get_kind_display()

    @admin.display(description=gettext_lazy("reason given"))
    def action_reason(self, appeal: Appeal) -> str:
        return appeal.action.reason

    @admin.display(description=gettext_lazy("muted until"))
    def muted_until(self, appeal: Appeal):
        return appeal.action.muted_until or "—"

    @admin.display(description=gettext_lazy("message"))
    def message_text(self, appeal: Appeal) -> str:
        target = appeal.action.target
        return f"{target.title}\n\n{target.body}" if appeal.action.post_id else target.body

    @admin.display(description=gettext_lazy("appeal"))
    def text_excerpt(self, appeal: Appeal) -> str:
        return _excerpt(appeal.text)

    def move_allowed(self, request) -> bool:
        return may_moderate_community(request.user)

    def moves_offered(self, request, obj) -> list[str]:
        return list(self.moves) if obj.state == Appeal.State.PENDING else []

    def move_perform(self, request, obj, name: str, cleaned: dict) -> str:
        services.appeal_decide(
            actor=request.user, appeal=obj, uphold=name == "uphold", reason=cleaned["reason"]
        )
        return _("Appeal upheld; the action is undone.") if name == "uphold" else _("Appeal rejected.")


# What a moderator may decide about a message nobody reported: the queue's moves but dismissing.
MESSAGE_MOVES = {name: move for name, move in REPORT_MOVES.items() if name != "dismiss"}
MESSAGE_DONE = {
    "hide": gettext_lazy("Message hidden; its author is told why."),
    "restore": gettext_lazy("Message restored; its author is told."),
    "warn": gettext_lazy("Author warned; they are told why."),
    "mute": gettext_lazy("Author muted; they are told why and until when."),
}


class MessageMovesMixin(MoveFormsAdminMixin):
    """Moderation of any post or reply from its own page, reported or not (``services.moderation_act``)."""

    change_form_template = "admin/community/moves.html"
    moves = MESSAGE_MOVES
    move_missing = gettext_lazy("This message is not here any more.")
    moves_heading = gettext_lazy("Moderate this message")
    moves_intro = gettext_lazy(
        "The author reads the reason on their moderation page and may appeal. A hidden message leaves every "
        "list, page and search at once."
    )

    def move_allowed(self, request) -> bool:
        return may_moderate_community(request.user)

    def moves_offered(self, request, obj) -> list[str]:
        shown = "restore" if obj.is_hidden else "hide"
        return [name for name in self.moves if name not in {"hide", "restore"} or name == shown]

    def move_perform(self, request, obj, name: str, cleaned: dict) -> str:
        decision = Decision(kind=name, reason=cleaned.get("reason", ""), mute_days=cleaned.get("days"))
        services.moderation_act(actor=request.user, target=obj, decision=decision)
        return str(MESSAGE_DONE[name])

    def move_done_url(self, request, obj) -> str:
        return self._change_url(obj.pk) if obj is not None else super().move_done_url(request, obj)


@admin.register(Post)
class CommunityPostAdmin(MessageMovesMixin, ModeratorOnlyAdmin):
    """The community's posts for every member of staff, read-only: what ``selectors.visible_posts`` shows a
    reader (a hidden post is not here), and for moderators the hidden ones as well, marked, with the moves
    to hide, restore, warn or mute on each post's page."""

    list_display = ["title", "board", "author", "created_at", "like_count", "reply_count", "shown"]
    list_filter = ["board"]
    fields = ["board", "title", "body", "author", "created_at", "shown"]
    readonly_fields = fields
    list_per_page = 50
    show_full_result_count = False
    actions = None

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff_member

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff_member

    def get_queryset(self, request):
        if may_moderate_community(request.user):
            posts = Post.objects.all()
        else:
            posts = selectors.visible_posts(request.user)
        return selectors.with_list_figures(posts).order_by("-created_at", "-id")

    @admin.display(description=gettext_lazy("likes"))
    def like_count(self, post: Post) -> int:
        return post.like_count

    @admin.display(description=gettext_lazy("replies"))
    def reply_count(self, post: Post) -> int:
        return post.reply_count

    @admin.display(description=gettext_lazy("shown"), boolean=True)
    def shown(self, post: Post) -> bool:
        return not post.is_hidden


@admin.register(Reply)
class CommunityReplyAdmin(MessageMovesMixin, ModeratorOnlyAdmin):
    """Every reply, hidden ones marked, for moderators: each with the moves to hide, restore, warn or mute."""

    list_display = ["body_excerpt", "post", "author", "created_at", "shown"]
    list_select_related = ["post", "author"]
    fields = ["post", "body", "author", "created_at", "shown"]
    readonly_fields = fields
    list_per_page = 50
    show_full_result_count = False
    actions = None

    def get_queryset(self, request):
        return Reply.objects.select_related("post", "author").order_by("-created_at", "-id")

    @admin.display(description=gettext_lazy("text"))
    def body_excerpt(self, reply: Reply) -> str:
        return _excerpt(reply.body)

    @admin.display(description=gettext_lazy("shown"), boolean=True)
    def shown(self, reply: Reply) -> bool:
        return not reply.is_hidden


@admin.register(ModerationAction)
class ModerationActionAdmin(ModeratorOnlyAdmin):
    """Every moderation decision, newest first: what was decided about whose message, by whom, and why."""

    list_display = [
        "created_at",
        "kind",
        "message",
        "subject",
        "moderator",
        "reason",
        "muted_until",
        "is_revoked",
    ]
    list_filter = ["kind", "is_revoked"]
    list_select_related = ["post", "reply", "subject", "moderator"]
    fields = list_display
    readonly_fields = fields
    list_per_page = 50
    show_full_result_count = False
    actions = None

    def get_queryset(self, request):
        return ModerationAction.objects.select_related("post", "reply", "subject", "moderator").order_by(
            "-created_at", "-id"
        )

    @admin.display(description=gettext_lazy("message"))
    def message(self, action: ModerationAction) -> str:
        return _excerpt(action.post.title if action.post_id else action.reply.body)


@admin.register(SensitiveWord)
class SensitiveWordAdmin(NoBidiControlsAdminMixin, admin.ModelAdmin):
    bidi_free_fields = ("word",)
    list_display = ["word", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["word"]
    fields = ["word", "is_active"]
    list_per_page = 100
    actions = None

    def has_module_permission(self, request) -> bool:
        return may_moderate_community(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return may_moderate_community(request.user)

    def has_add_permission(self, request) -> bool:
        return may_moderate_community(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return may_moderate_community(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a word is turned off instead, so the list keeps what it held

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        try:
            services.sensitive_word_save(actor=request.user, word=obj)
        except CommunityError as error:
            raise PermissionDenied(str(error.message)) from None
