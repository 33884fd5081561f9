from celery import shared_task

from .services import chat_transcripts_purge


@shared_task
def chat_transcripts_purge_task() -> int:
    """Delete the transcripts past their retention (safe to run twice: the second finds nothing)."""
    return chat_transcripts_purge()
