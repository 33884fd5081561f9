"""Reads of update suggestions: a course's open suggestions with their support, one suggestion as a reader
sees it, a course's change log, and the owners' queue. A suggestion's text is public on its course's page;
who proposed or supported it is never shown, and its evidence only to its proposer and the course's owners."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Value
from django.http import Http404

from accounts.models import User

from ..models import Course
from ..permissions import may_answer_suggestions, owned_courses
from .models import (
    OPEN_STATES,
    CourseVersion,
    State,
    SuggestionAttachment,
    SuggestionEvent,
    SuggestionSupport,
    UpdateSuggestion,
)


def _with_support(queryset: QuerySet, user: User | None) -> QuerySet:
    queryset = queryset.annotate(support_count=Count("supports", distinct=True))
    if user is not None and user.is_authenticated:
        mine = SuggestionSupport.objects.filter(suggestion=OuterRef("pk"), supporter=user)
        return queryset.annotate(supported_by_me=Exists(mine))
    return queryset.annotate(supported_by_me=Value(False))


def suggestions_open_for_course(*, course: Course, user: User | None = None) -> QuerySet[UpdateSuggestion]:
    """The course's suggestions still open, most supported first, each with its support count and whether
    the reader supports it."""
    return _with_support(
        UpdateSuggestion.objects.filter(course=course, state__in=sorted(OPEN_STATES)), user
    ).order_by("-support_count", "-created_at", "-id")


def suggestion_get(*, reference: str, user: User | None = None) -> UpdateSuggestion:
    """One suggestion by reference, with its course and support; 404 when there is none (or its course is
    closed)."""
    try:
        return _with_support(
            UpdateSuggestion.objects.select_related("course", "version").filter(course__is_active=True), user
        ).get(reference=reference)
    except UpdateSuggestion.DoesNotExist as missing:
        raise Http404 from missing


@dataclass(frozen=True)
class SuggestionReading:
    suggestion: UpdateSuggestion
    events: list[SuggestionEvent]
    attachments: list[SuggestionAttachment]
    is_owner: bool
    is_proposer: bool


def suggestion_reading(*, suggestion: UpdateSuggestion, user: User | None) -> SuggestionReading:
    """The suggestion as this reader sees it: the public timeline (never who acted), and the evidence only
    for its proposer and the course's owners."""
    owner = bool(user and user.is_authenticated and may_answer_suggestions(user, suggestion.course))
    proposer = bool(user and user.is_authenticated and user.pk == suggestion.proposer_id)
    events = list(
        SuggestionEvent.objects.filter(suggestion=suggestion, is_public=True).order_by("created_at", "id")
    )
    attachments = list(suggestion.attachments.order_by("uploaded_at", "id")) if owner or proposer else []
    return SuggestionReading(suggestion, events, attachments, owner, proposer)


def suggestion_attachment_get(*, suggestion: UpdateSuggestion, user: User, pk: int) -> SuggestionAttachment:
    """One evidence file of the suggestion, for its proposer and the course's owners; 404 for anyone else."""
    if not (user.pk == suggestion.proposer_id or may_answer_suggestions(user, suggestion.course)):
        raise Http404
    try:
        return suggestion.attachments.get(pk=pk)
    except SuggestionAttachment.DoesNotExist as missing:
        raise Http404 from missing


def course_change_log(*, course: Course) -> QuerySet[CourseVersion]:
    """The course's versions, newest first, each with the suggestions that landed in it (one query for them
    all)."""
    landed = UpdateSuggestion.objects.filter(state=State.DONE).order_by("reference")
    return (
        CourseVersion.objects.filter(course=course)
        .prefetch_related(Prefetch("suggestions", queryset=landed, to_attr="landed"))
        .order_by("-released_on", "-id")
    )


def suggestions_for_owner(*, user: User) -> QuerySet[UpdateSuggestion]:
    """The suggestions of the courses the user owns (the owners' queue), open ones first, oldest first."""
    return (
        _with_support(
            UpdateSuggestion.objects.filter(course__in=Course.objects.filter(owned_courses(user))), None
        )
        .select_related("course")
        .order_by("closed_at", "created_at", "id")
    )
