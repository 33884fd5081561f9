"""What the online customer service keeps about a person, and how long.

Export: the person's chats with every message (their own and the staff's answers). Erasure: the person's chats
lose their messages (staff answers quote the learner too); the chats stay as rows without text, for the
figures. Retention: the transcript of a chat that ended more than ``LIVECHAT_TRANSCRIPT_RETENTION_DAYS`` ago
is deleted by a daily task (``services.chat_transcripts_purge``); what a chat was turned into keeps its own
copy under that record's rules.
"""

from accounts.models import User
from privacy.export import section
from privacy.services import ANONYMISERS

from .models import Chat, ChatMessage


@section("chats")
def chats_section(user: User) -> list:
    chats = Chat.objects.filter(learner=user).order_by("created_at", "id")
    messages: dict[int, list] = {}
    for message in ChatMessage.objects.filter(chat__learner=user).order_by("created_at", "id"):
        messages.setdefault(message.chat_id, []).append(
            {
                "from_staff": message.from_staff,
                "text": message.body,
                "sent_at": message.created_at.isoformat(),
            }
        )
    return [
        {
            "reference": chat.reference,
            "state": chat.state,
            "opened_at": chat.created_at.isoformat(),
            "ended_at": chat.closed_at.isoformat() if chat.closed_at else None,
            "turned_into": chat.converted_to,
            "messages": messages.get(chat.pk, []),
        }
        for chat in chats
    ]


def anonymise_chats(user: User) -> None:
    """Delete the messages of the person's chats."""
    ChatMessage.objects.filter(chat__learner=user).delete()


if anonymise_chats not in ANONYMISERS:
    ANONYMISERS.append(anonymise_chats)
