"""The complaint queue: the changelist ordered by the nearest SLA due time, cheap at a million complaints.

The default order is "nearest running clock first, complaints without a running clock last". Ordering a
million rows by a per-row subquery is slow, so ``QueuePaginator`` reads a page in two segments that give the
same order: complaints joined to their nearest running clock, read along the partial index on running
clocks' due times and ids (``clock_running_due_idx``), then the complaints without one, newest first. It never
counts the whole table: it counts at most a few pages beyond the one asked for.
"""

import datetime
from collections.abc import Sequence

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.sql.where import AND
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from complaints.clocks import complaint_clocks
from complaints.models import Complaint
from complaints.selectors.access import complaint_search
from core.references import ReferenceSortKey
from core.search import read_in_parts
from privacy.admin import PostedSearchChangeList
from sla.models import RUNNING, Clock

# A clock due within this time is shown as due soon.
DUE_SOON = datetime.timedelta(hours=1)
# How many pages past the one asked for the paginator counts, so the page links can show them.
PAGES_AHEAD = 5


def running_clocks() -> QuerySet[Clock]:
    return complaint_clocks().filter(RUNNING)


def nearest_running_clock(field: str) -> Subquery:
    """The given field of the complaint's running clock that is due first."""
    nearest = running_clocks().filter(subject_id=OuterRef("pk")).order_by("due_at", "pk").values(field)[:1]
    return Subquery(nearest)


def with_next_due(queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return queryset.annotate(next_due=nearest_running_clock("due_at"), next_clock=nearest_running_clock("pk"))


class DueClocks(Subquery):
    """The complaints of the running clocks due in the due filter's range. A class of its own so that the
    queue can leave the filter out where the nearest running clock it joins must be due in that range (which
    implies it): kept there, PostgreSQL joins and sorts every matching complaint before it takes a page,
    instead of reading the clocks in due order and stopping after the page."""


def due_between(start: datetime.datetime | None, end: datetime.datetime) -> Q:
    clocks = running_clocks().filter(due_at__lt=end)
    if start is not None:
        clocks = clocks.filter(due_at__gte=start)
    return Q(pk__in=DueClocks(clocks.values("subject_id")))


def without_due_filter(queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """The queryset without the due filter's condition (see ``DueClocks``), if it is a top-level one."""
    queryset = queryset.all()
    where = queryset.query.where
    if where.connector == AND and not where.negated:
        where.children = [
            child for child in where.children if not isinstance(getattr(child, "rhs", None), DueClocks)
        ]
    return queryset


class QueuePaginator(Paginator):
    """Count at most a few pages ahead; read the default queue order in two index-friendly segments."""

    def __init__(
        self,
        object_list,
        per_page,
        *,
        page_hint: int = 1,
        queue_order: bool = False,
        only_with_clock: bool = False,
        due_range: Q | None = None,
        search_parts: Sequence[QuerySet] | None = None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.page_hint = max(page_hint, 1)
        self.queue_order = queue_order
        # Set when a filter already implies a running clock: the second segment is known to be empty.
        self.only_with_clock = only_with_clock
        # The due filter's bounds, set on the joined nearest clock too, so its index range is read in order.
        self.due_range = due_range or Q()
        # A text search's results in parts listed one after the other: its title matches, then the rest.
        self.search_parts = search_parts

    @cached_property
    def count(self) -> int:
        """Count the rows up to ``PAGES_AHEAD`` pages beyond the requested one, never the whole table."""
        cap = (self.page_hint + PAGES_AHEAD) * self.per_page
        found = self.object_list.order_by().values("pk")[: cap + 1].count()
        self.has_more_than_counted = found > cap
        return min(found, cap)

    has_more_than_counted = False

    def page(self, number):
        number = self.validate_number(number)
        if self.search_parts is not None:
            if number not in self._queue_pages:
                self._queue_pages[number] = read_in_parts(
                    self.search_parts, offset=(number - 1) * self.per_page, limit=self.per_page
                )
            return self._get_page(self._queue_pages[number], number, self)
        if not self.queue_order:
            return super().page(number)
        # The changelist asks for its page twice when there is more than one (Django's get_results, then
        # QueueChangeList's): read the rows once.
        if number not in self._queue_pages:
            offset = (number - 1) * self.per_page
            self._queue_pages[number] = self.queue_rows(offset=offset, limit=self.per_page)
        return self._get_page(self._queue_pages[number], number, self)

    @cached_property
    def _queue_pages(self) -> dict[int, list[Complaint]]:
        return {}

    def queue_rows(self, *, offset: int, limit: int) -> list[Complaint]:
        """Return ``limit`` complaints from ``offset`` in queue order, in two queries (three at the seam)."""
        base = self.object_list.order_by()
        # Join each complaint to its running clock that no other running clock of it precedes (by due
        # time, then id): one row per complaint, read in the order of clock_running_due_idx.
        precedes = Q(due_at__lt=OuterRef("clocks__due_at")) | Q(
            due_at=OuterRef("clocks__due_at"), pk__lt=OuterRef("clocks__pk")
        )
        with_clock = (
            # One filter() call, so that the subquery's references reuse the same clock join; the not-null
            # due time keeps that join inner (the isnull lookups alone would make it an outer join). The
            # due range on that clock implies the due filter, which is left out (see DueClocks).
            (without_due_filter(base) if self.due_range else base)
            .filter(
                Q(
                    clocks__due_at__isnull=False,
                    clocks__met_at__isnull=True,
                    clocks__cancelled_at__isnull=True,
                    clocks__paused_at__isnull=True,
                ),
                self.due_range,
                ~Exists(running_clocks().filter(precedes, subject_id=OuterRef("pk"))),
            )
            .order_by("clocks__due_at", "clocks__pk")
        )
        rows = list(with_clock[offset : offset + limit])
        if len(rows) == limit or self.only_with_clock:
            return rows
        counted_with_clock = offset + len(rows) if rows or offset == 0 else with_clock.count()
        without_clock = base.filter(~Exists(running_clocks().filter(subject_id=OuterRef("pk")))).order_by(
            "-pk"
        )
        start = max(offset - counted_with_clock, 0)
        return rows + list(without_clock[start : start + limit - len(rows)])


class QueueFilter(admin.SimpleListFilter):
    title = gettext_lazy("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("mine", _("Mine")),
            ("department", _("My department")),
            ("unassigned", _("Unassigned")),
        ]

    def queryset(self, request, queryset):
        user: User = request.user
        if self.value() == "mine":
            return queryset.filter(owner=user)
        if self.value() == "department":
            return queryset.filter(department_id=user.department_id)
        if self.value() == "unassigned":
            return queryset.filter(owner__isnull=True)
        return queryset


class DueFilter(admin.SimpleListFilter):
    title = gettext_lazy("SLA")
    parameter_name = "due"
    VALUES = ("overdue", "soon")

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("soon", _("Due within an hour"))]

    @staticmethod
    def bounds(value: str | None) -> tuple[datetime.datetime | None, datetime.datetime] | None:
        now = timezone.now()
        return {"overdue": (None, now), "soon": (now, now + DUE_SOON)}.get(value or "")

    @classmethod
    def nearest_clock_range(cls, value: str | None) -> Q | None:
        """The same bounds on the queue's joined nearest clock (the nearest one is due in range)."""
        bounds = cls.bounds(value)
        if bounds is None:
            return None
        start, end = bounds
        condition = Q(clocks__due_at__lt=end)
        return condition & Q(clocks__due_at__gte=start) if start is not None else condition

    def queryset(self, request, queryset):
        bounds = self.bounds(self.value())
        if bounds is None:
            return queryset
        start, end = bounds
        queryset = queryset.filter(due_between(start, end))
        if start is not None:
            # "Due soon" is about the nearest clock, as the rows are: a complaint with a clock overdue
            # already is overdue, whatever else falls due within the hour.
            queryset = queryset.exclude(due_between(None, start))
        return queryset


class FlagFilter(admin.SimpleListFilter):
    title = gettext_lazy("flags")
    parameter_name = "flag"
    FLAGS = {"urgent": "is_urgent", "legal": "legal_flag", "safety": "safety_flag"}

    def lookups(self, request, model_admin):
        return [("urgent", _("Urgent")), ("legal", _("Legal")), ("safety", _("Safety"))]

    def queryset(self, request, queryset):
        field = self.FLAGS.get(self.value() or "")
        return queryset.filter(**{field: True}) if field else queryset


# The flags a queue row names: the marker's class, the complaint's field, and the words shown.
QUEUE_MARKERS = (
    ("urgent", "is_urgent", gettext_lazy("Urgent")),
    ("legal", "legal_flag", gettext_lazy("Legal")),
    ("safety", "safety_flag", gettext_lazy("Safety")),
)


class QueueAdminMixin:
    """The changelist half of the complaint admin."""

    list_display = [
        "reference",
        "title",
        "markers",
        "category",
        "severity",
        "state",
        "owner",
        "department",
        "due_countdown",
    ]
    list_display_links = ["reference", "title"]
    list_filter = [
        QueueFilter,
        DueFilter,
        "state",
        "severity",
        "category",
        "channel",
        FlagFilter,
    ]
    list_select_related = ["category", "department", "owner"]
    search_fields = ["reference"]  # shows the box; get_search_results decides what a term means
    search_help_text = gettext_lazy(
        "A reference number, or the complainant's name, mobile number or e-mail address."
    )
    show_full_result_count = False
    list_per_page = 50
    paginator = QueuePaginator

    class Media:
        css = {"all": ["admin-queue/queue.css"]}
        js = ["admin-queue/countdown.js"]

    def get_ordering(self, request):
        """Nearest due time first, complaints without a running clock last (set as a method: the
        ordering names an annotation, which the admin's checks of ``ordering`` do not know)."""
        if getattr(request, "posted_search_term", "").strip():
            # A search lists the newest first (a text search its title matches before: the paginator).
            return ["-pk"]
        return [F("next_due").asc(nulls_last=True), F("next_clock").asc(), "-pk"]

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        if queryset.model is not self.model:
            # The history page lists the complaint's log entries: a short list with nothing of the queue's.
            return Paginator(
                queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page
            )
        try:
            page_hint = int(request.GET.get(PAGE_VAR, 1))
        except ValueError:
            page_hint = 1
        return self.paginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            page_hint=page_hint,
            # A search finds a handful of rows, which the plain ordering sorts at once.
            queue_order=ORDER_VAR not in request.GET and not getattr(request, "posted_search_term", ""),
            only_with_clock=request.GET.get(DueFilter.parameter_name) in DueFilter.VALUES,
            due_range=DueFilter.nearest_clock_range(request.GET.get(DueFilter.parameter_name)),
            search_parts=getattr(request, "search_parts", None) if ORDER_VAR not in request.GET else None,
        )

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_search_results(self, request, queryset, search_term):
        """Find by reference, by the complainant's e-mail address, name or mobile number, or by a few
        characters of the complaint's text (``complaint_search``: the queue's own rows, nothing more)."""
        found, parts = complaint_search(queryset, search_term)
        request.search_parts = parts  # the paginator lists a text search's title matches first
        return found, False

    @admin.display(description=gettext_lazy("flags"), empty_value="")
    def markers(self, complaint: Complaint):
        """Name each flag the complaint carries in words, so that it reads without its colour."""
        shown = [(name, label) for name, field, label in QUEUE_MARKERS if getattr(complaint, field)]
        if not shown:
            return None
        return format_html(
            '<ul class="queue-markers">{}</ul>',
            format_html_join("", '<li class="queue-marker queue-marker-{}">{}</li>', shown),
        )

    @admin.display(description=gettext_lazy("next due"), ordering="next_due")
    def due_countdown(self, complaint: Complaint):
        due = getattr(complaint, "next_due", None)
        if due is None:
            return "—"
        left = due - timezone.now()
        if left < datetime.timedelta(0):
            urgency, label = "overdue", _("overdue by %(time)s")
        elif left <= DUE_SOON:
            urgency, label = "soon", _("in %(time)s")
        else:
            urgency, label = "fine", _("in %(time)s")
        return format_html(
            '<time class="queue-due queue-due-{}" datetime="{}" title="{}">{}</time>',
            urgency,
            due.isoformat(),
            timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
            label % {"time": format_duration(abs(left))},
        )


def format_duration(span: datetime.timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


class QueueChangeList(PostedSearchChangeList):
    """Read every page, even a single short one, through the paginator, so the queries stay the same."""

    def get_ordering_field(self, field_name):
        # Reference numbers grow past six digits: sorted as text, TS-2026-1000000 would come before …-999999.
        if field_name == "reference":
            return ReferenceSortKey("reference")
        return super().get_ordering_field(field_name)

    def get_results(self, request):
        super().get_results(request)
        if (self.paginator.queue_order or self.paginator.search_parts is not None) and not self.show_all:
            try:
                self.result_list = self.paginator.page(self.page_num).object_list
            except InvalidPage as error:
                # A page number past the end is bad input: the admin answers it by a redirect, as Django does.
                raise IncorrectLookupParameters from error
        self.has_more_than_counted = self.paginator.has_more_than_counted
