"""Complaints that another domain fills in for the person: a refused refund offers one ready to send.

A domain registers a draft source by name (from its ``AppConfig.ready``); the filing page, asked for
``?from=<source>&ref=<key>``, calls it with the reader and the key and shows the form filled in with what it
returns. The source finds the record through its own access rules (404 for one the reader may not see), so
nothing of another person's reaches the form, and only a reference travels in the address, never the text.
The person still reads, changes and sends the complaint themselves: a draft writes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext

from accounts.models import User
from accounts.selectors import learners_of_guardian
from courses.models import Course, CoursePromise, Instructor
from courses.selectors import course_promise_get_for_learner

from .models import Category


@dataclass(frozen=True)
class ComplaintDraft:
    """What a complaint form starts with: its category by code, the learner, course and instructor, and the
    text."""

    category_code: str
    title: str
    description: str
    learner: User | None = None
    course: Course | None = None
    instructor: Instructor | None = None


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
    if draft.instructor is not None:
        initial["instructor"] = draft.instructor.pk
    return initial


PROMISE_SOURCE = "promise"
NOT_AS_ADVERTISED = "not_as_advertised"


def promise_complaint_draft(user: User, key: str) -> ComplaintDraft:
    """The complaint that a course is not as advertised: what its page promised about its teaching, the
    course and the instructor filled in. The promise must be of a course the user (or their ward) is enrolled
    in; 404 otherwise."""
    try:
        promise = course_promise_get_for_learner(user=user, pk=int(key))
    except (ValueError, CoursePromise.DoesNotExist):
        raise Http404 from None
    course = promise.course
    learner = (
        User.objects.filter(enrolments__course=course, pk=user.pk).first()
        or learners_of_guardian(guardian=user).filter(enrolments__course=course).first()
    )
    lines = [
        gettext("The page of the course %(course)s promises: %(claim)s (%(instructor)s).")
        % {
            "course": f"{course.code} {course.title}",
            "claim": promise.claim,
            "instructor": promise.instructor,
        },
        "",
        gettext("What I found instead: "),
    ]
    return ComplaintDraft(
        category_code=NOT_AS_ADVERTISED,
        title=gettext("%(course)s is not as advertised") % {"course": course.title},
        description="\n".join(lines),
        learner=learner,
        course=course,
        instructor=promise.instructor,
    )


def register() -> None:
    complaint_draft_source_register(PROMISE_SOURCE, promise_complaint_draft)
