"""Complaints that another domain fills in for the person: a refused refund offers one ready to send.

A domain registers a draft source by name (from its ``AppConfig.ready``); the filing page, asked for
``?from=<source>&ref=<key>``, calls it with the reader and the key and shows the form filled in with what it
returns. The source finds the record through its own access rules (404 for one the reader may not see), so
nothing of another person's reaches the form, and only a reference travels in the address, never the text.
The person still reads, changes and sends the complaint themselves: a draft writes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from accounts.models import User
from courses.models import Course

from .models import Category


@dataclass(frozen=True)
class ComplaintDraft:
    """What a complaint form starts with: its category by code, the learner and course, and the text."""

    category_code: str
    title: str
    description: str
    learner: User | None = None
    course: Course | None = None


DraftSource = Callable[[User, str], ComplaintDraft]
_SOURCES: dict[str, DraftSource] = {}


def complaint_draft_source_register(name: str, build: DraftSource) -> None:
    """Register a source of drafts (registering the same name again replaces it)."""
    _SOURCES[name] = build


def complaint_draft_initial(*, user: User, source: str, key: str) -> dict:
    """Return the filing form's initial values from a registered source's draft; {} for an unknown source.

    Raises Http404 (from the source) when the key names nothing the user may see.
    """
    build = _SOURCES.get(source)
    if build is None or not key:
        return {}
    draft = build(user, key)
    initial = {"title": draft.title[:200], "description": draft.description}
    category = Category.objects.filter(code=draft.category_code, is_active=True).first()
    if category is not None:
        initial["category"] = category.pk
    if draft.course is not None:
        initial["course"] = draft.course.pk
    if draft.learner is not None:
        initial["learner"] = draft.learner.pk
    return initial
