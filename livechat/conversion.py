"""Turning a chat into a complaint or a feedback item, with its transcript, through the filing services of
those domains (``complaints.services.complaint_file``, ``feedback.services.feedback_enter``).

The transcript goes into the new record's own text (the complaint's description, the feedback item's
text), each message on a line with its time and who wrote it: evidence files are checked images and PDFs,
and a transcript kept as text stays searchable with the record. A transcript longer than the record's text
can hold keeps its last messages and says that the earlier ones are in the chat, whose reference it names.
The chat remembers what it became, once.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from complaints.models import Category
from complaints.models import Channel as ComplaintChannel
from complaints.models.complaint import MAX_TEXT_LENGTH as COMPLAINT_TEXT_LENGTH
from complaints.services import complaint_file
from core.errors import RuleViolation
from feedback.models import MAX_TEXT_LENGTH as FEEDBACK_TEXT_LENGTH
from feedback.models import Channel as FeedbackChannel
from feedback.models import FeedbackCategory
from feedback.services import Subject, feedback_enter

from .errors import ChatAlreadyConverted, ChatNotAllowed, ChatNotFound
from .models import Chat, ChatMessage
from .permissions import may_answer_chats

COMPLAINT = "complaint"
FEEDBACK = "feedback"
CONVERSIONS = (COMPLAINT, FEEDBACK)
TITLE_LENGTH = 60


def chat_transcript(*, chat: Chat, limit: int) -> str:
    """The chat's messages as text, one a line, in the institution's language and time zone, at most
    ``limit`` characters (the newest messages kept)."""
    zone = timezone.get_default_timezone()
    with translation.override(settings.LANGUAGE_CODE):
        staff, learner = _("Customer service"), _("Learner")
        lines = [
            f"[{message.created_at.astimezone(zone):%Y-%m-%d %H:%M}] "
            f"{staff if message.from_staff else learner} {message.author.display_name}: {message.body}"
            for message in ChatMessage.objects.filter(chat=chat)
            .select_related("author")
            .order_by("created_at", "id")
        ]
        header = _("Transcript of chat %(reference)s:") % {"reference": chat.reference}
        cut = _("(earlier messages are in chat %(reference)s)") % {"reference": chat.reference}
    text = "\n".join([header, *lines])
    while len(text) > limit and len(lines) > 1:
        lines.pop(0)
        text = "\n".join([header, cut, *lines])
    return text[:limit]


def _title(chat: Chat) -> str:
    first = (
        ChatMessage.objects.filter(chat=chat, from_staff=False)
        .order_by("created_at", "id")
        .values_list("body", flat=True)
    ).first()
    text = " ".join((first or "").split())
    if not text:
        with translation.override(settings.LANGUAGE_CODE):
            return _("Chat %(reference)s") % {"reference": chat.reference}
    return text if len(text) <= TITLE_LENGTH else f"{text[: TITLE_LENGTH - 1]}…"


def chat_convert(*, chat: Chat, actor: User, kind: str, category_id: int | str | None) -> str:
    """File a complaint or enter a feedback item in the chat learner's name, with the transcript; return
    its reference.

    Requires a member of staff who answers chats, a chat not yet converted and an active category of the
    kind. Raises ChatNotAllowed, ChatAlreadyConverted, RuleViolation (the category, or the domain's own
    refusal), and then writes nothing. Causes what the domain's filing causes (reference, clocks, notices).
    """
    if not may_answer_chats(actor):
        raise ChatNotAllowed()
    if kind not in CONVERSIONS:
        raise ChatNotFound()
    with transaction.atomic():
        chat = Chat.objects.select_for_update(of=("self",)).select_related("learner").get(pk=chat.pk)
        if chat.converted_to:
            raise ChatAlreadyConverted()
        categories = Category.objects if kind == COMPLAINT else FeedbackCategory.objects
        category = None
        if category_id not in (None, "") and str(category_id).isdigit():
            category = categories.filter(pk=int(category_id), is_active=True).first()
        if category is None:
            raise RuleViolation(_("Choose a category that is in use."), code="category", field="category")
        if kind == COMPLAINT:
            record = complaint_file(
                actor=actor,
                complainant=chat.learner,
                category=category,
                title=_title(chat),
                description=chat_transcript(chat=chat, limit=COMPLAINT_TEXT_LENGTH),
                channel=ComplaintChannel.CHAT,
            )
        else:
            record = feedback_enter(
                actor=actor,
                channel=FeedbackChannel.CHAT,
                subject=Subject(category=category),
                text=chat_transcript(chat=chat, limit=FEEDBACK_TEXT_LENGTH),
                learner=chat.learner,
            )
        chat.converted_to = record.reference
        chat.save(update_fields=["converted_to"])
    return record.reference
