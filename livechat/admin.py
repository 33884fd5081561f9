"""The staff's screens: the chat console (several chats at once, canned responses) and the chats' list, where
each transcript opened is logged as a read of the learner's data."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from complaints.models import CannedResponse, Category
from core.errors import DomainError
from feedback.models import FeedbackCategory
from privacy.admin import PersonalDataAdminMixin
from privacy.models import AccessLogEntry
from privacy.services import access_log_record_list

from .conversion import CONVERSIONS, chat_convert
from .models import Chat
from .permissions import is_chat_staff, may_answer_chats
from .selectors import chat_messages, chats_open, duty_of

CONSOLE_LIMIT = 100


@admin.register(Chat)
class ChatAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "state", "learner_name", "agent", "left_as_message", "created_at"]
    list_filter = ["state", "left_as_message"]
    list_select_related = ["learner", "agent"]
    search_fields = ["reference"]
    ordering = ["-created_at", "-id"]
    readonly_fields = [
        "reference",
        "state",
        "learner_name",
        "agent",
        "opened_from",
        "left_as_message",
        "created_at",
        "assigned_at",
        "first_reply_at",
        "closed_at",
        "converted_to",
        "transcript",
    ]
    fields = readonly_fields
    personal_data_fields = ("learner", "transcript")
    personal_data_list_fields = ("learner",)
    personal_data_subject_fields = ("learner_id",)

    def personal_data_subject(self, obj):
        return obj.learner

    @admin.display(description=_("learner"))
    def learner_name(self, obj: Chat) -> str:
        return obj.learner.display_name

    @admin.display(description=_("messages"))
    def transcript(self, obj: Chat) -> str:
        lines = chat_messages(chat=obj)
        if not lines:
            return "—"
        return format_html(
            '<ol class="chat-transcript">{}</ol>',
            format_html_join(
                "",
                '<li class="chat-line{}"><span class="chat-author">{}</span>'
                '<span class="chat-time">{}</span><p class="chat-body">{}</p></li>',
                (
                    (
                        " chat-line-staff" if line.from_staff else "",
                        line.author.display_name,
                        line.created_at.strftime("%Y-%m-%d %H:%M"),
                        line.body,
                    )
                    for line in lines
                ),
            ),
        )

    def has_module_permission(self, request) -> bool:
        return is_chat_staff(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_chat_staff(request.user)

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

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("console/", view(self.console_view), name="livechat_chat_console"),
            path(
                "<path:object_id>/convert/<slug:kind>/",
                view(require_POST(self.convert_view)),
                name="livechat_chat_convert",
            ),
            *super().get_urls(),
        ]

    def console_view(self, request: HttpRequest) -> HttpResponse:
        """The chat console: the open chats, the panes of the chats joined, the canned responses."""
        if not may_answer_chats(request.user):
            raise PermissionDenied
        chats = list(chats_open(user=request.user)[:CONSOLE_LIMIT])
        access_log_record_list(
            actor=request.user,
            records=chats,
            subject_fields=self.personal_data_subject_fields,
            fields=self.personal_data_list_fields,
            channel=AccessLogEntry.Channel.ADMIN,
            screen="admin:livechat_chat_console",
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Chat console"),
            "chats": chats,
            "canned": list(CannedResponse.objects.filter(is_active=True).order_by("title")),
            "on_duty": duty_of(staff=request.user),
        }
        return TemplateResponse(request, "admin/livechat/console.html", context)

    def convert_view(self, request: HttpRequest, object_id: str, kind: str) -> HttpResponse:
        """Turn the chat into a complaint or a feedback item of the category chosen (``conversion``)."""
        if not may_answer_chats(request.user):
            raise PermissionDenied
        if kind not in CONVERSIONS:
            raise Http404
        chat = self.get_object(request, unquote(object_id))
        if chat is None:
            raise Http404
        try:
            reference = chat_convert(
                chat=chat, actor=request.user, kind=kind, category_id=request.POST.get("category")
            )
        except DomainError as refused:
            # Refused, nothing written: back to the chat, the reason shown above it.
            self.message_user(request, str(refused.message), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:livechat_chat_change", args=[chat.pk]))
        self.message_user(
            request, _("The chat became %(reference)s, with its transcript.") % {"reference": reference}
        )
        return HttpResponseRedirect(reverse("admin:livechat_chat_change", args=[chat.pk]))

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_convert": may_answer_chats(request.user),
            "complaint_categories": Category.objects.filter(is_active=True).order_by("pk"),
            "feedback_categories": FeedbackCategory.objects.filter(is_active=True).order_by("position", "pk"),
        }
        return super().change_view(request, object_id, form_url, extra_context)
