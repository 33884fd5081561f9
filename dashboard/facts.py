"""The daily facts behind the dashboard: one SQL definition that the rollup stores and the page reads live.

A *fact row* belongs to one local day and one (department, category, channel) and holds counts: complaints
filed that day (with their severity, whether still open, rated, answered, appealed), complaints closed that
day, and the SLA clocks of the complaints filed that day (kept, decided, and a histogram of the time taken
to meet them). The figures of the dashboard are sums of fact rows, so a year of figures is a sum over a few
hundred rows a day instead of a pass over every complaint and clock.

A second, narrower table of facts (``SUBJECT_FACTS``) counts the complaints naming a course or an instructor,
for the hot spots.

The rollup tables (``ComplaintDay``, ``ComplaintSubjectDay``) store the fact rows of every day as of the last
refresh (``dashboard.services.rollup_refresh``). Any change to a complaint, its clocks or its appeal marks the
days it touches as stale (database triggers, see the migration), and until the next refresh those days are
computed live from the complaints with the very same SQL, in the same statement that reads the stored rows, so
a figure is exact at any moment:

    facts = rollup rows of days not stale
          + live rows of the stale days
          + the clocks of the other days that fell due since the last refresh (decided, missed)

A clock is *kept* when it was met no later than its due time, and *missed* when it was met late, stopped
after its due time, or is still running (not paused) past its due time; *decided* is kept or missed. Due
times already carry pauses (paused business time is added on resume) and the business calendar, so this is
the one meaning of "acknowledged within 1 hour", "answered within 24 hours" and "resolved within target".
"""

from collections.abc import Callable
from dataclasses import dataclass

from complaints.models import Appeal, Severity
from complaints.states import TERMINAL_STATES
from sla.models import Target

# Histogram edges of the time from a clock's start to its meeting, in minutes (bucket i holds times from edge
# i-1 up to edge i; the last bucket everything from the last edge on).
ACKNOWLEDGE_EDGES = (5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 1440, 2880, 4320, 10080)
HOUR_EDGES = (1, 2, 4, 8, 12, 16, 20, 24, 30, 36, 48, 60, 72, 96, 120, 144, 168, 240, 336, 720)
RESPONSE_EDGES = tuple(hours * 60 for hours in HOUR_EDGES)

# (name used in column names, clock target, edges in minutes)
HISTOGRAMS = (
    ("acknowledge", Target.ACKNOWLEDGE.value, ACKNOWLEDGE_EDGES),
    ("respond", Target.FIRST_RESPONSE.value, RESPONSE_EDGES),
    ("resolve", Target.RESOLUTION.value, RESPONSE_EDGES),
)
# The targets as SQL literals.
ACKNOWLEDGE, FIRST_RESPONSE, RESOLUTION = (
    f"'{target.value}'" for target in (Target.ACKNOWLEDGE, Target.FIRST_RESPONSE, Target.RESOLUTION)
)


def histogram_columns(name: str, edges: tuple[int, ...]) -> list[str]:
    return [f"{name}_b{index:02d}" for index in range(len(edges) + 1)]


def _sql_list(values) -> str:
    return ", ".join(f"'{value}'" for value in values)


TERMINAL = _sql_list(sorted(TERMINAL_STATES))
URGENT_OR_MAJOR = f"(c.is_urgent OR c.severity = '{Severity.MAJOR.value}')"

# Facts of a complaint filed on the day (c: the complaint, a: its appeal if any).
COMPLAINT_FACTS = {
    "filed": "1",
    **{f"filed_{severity.value}": f"(c.severity = '{severity.value}')::int" for severity in Severity},
    "open": f"(c.state NOT IN ({TERMINAL}))::int",
    "rated": "(c.satisfaction_rating IS NOT NULL)::int",
    "rating_sum": "COALESCE(c.satisfaction_rating, 0)",
    "satisfied": "(c.satisfaction_rating IS NOT NULL AND c.satisfaction_rating >= 4)::int",
    "answered": "(c.first_responded_at IS NOT NULL)::int",
    "appealed": "(a.id IS NOT NULL)::int",
    **{
        f"appeal_{decision.value}": f"(a.decision IS NOT NULL AND a.decision = '{decision.value}')::int"
        for decision in Appeal.Decision
    },
}

# Facts of a complaint closed on the day.
CLOSED_FACTS = {"closed": "1"}

# Facts of a clock of a complaint filed on the day (ck: the clock; k: its state, from CLOCK_STATE).
CLOCK_FACTS = {
    "acknowledge_kept": f"(ck.target = {ACKNOWLEDGE} AND k.kept)::int",
    "acknowledge_decided": f"(ck.target = {ACKNOWLEDGE} AND (k.kept OR k.missed))::int",
    "urgent_kept": f"(ck.target = {FIRST_RESPONSE} AND {URGENT_OR_MAJOR} AND k.kept)::int",
    "urgent_decided": f"(ck.target = {FIRST_RESPONSE} AND {URGENT_OR_MAJOR} AND (k.kept OR k.missed))::int",
    "resolve_kept": f"(ck.target = {RESOLUTION} AND k.kept)::int",
    "resolve_decided": f"(ck.target = {RESOLUTION} AND (k.kept OR k.missed))::int",
}
for _name, _target, _edges in HISTOGRAMS:
    for _index, _column in enumerate(histogram_columns(_name, _edges)):
        CLOCK_FACTS[_column] = (
            f"(ck.target = '{_target}' AND k.bucket IS NOT NULL AND k.bucket = {_index})::int"
        )

# Facts of a running clock that fell due after the rollup's refresh: one more decided (missed) clock.
FALLEN_DUE_FACTS = {
    "acknowledge_decided": f"(ck.target = {ACKNOWLEDGE})::int",
    "urgent_decided": f"(ck.target = {FIRST_RESPONSE} AND {URGENT_OR_MAJOR})::int",
    "resolve_decided": f"(ck.target = {RESOLUTION})::int",
}

FACT_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys([*COMPLAINT_FACTS, *CLOSED_FACTS, *CLOCK_FACTS]))
KEY_COLUMNS = ("day", "department_id", "category_id", "channel")


def _edges_array(edges: tuple[int, ...]) -> str:
    return "ARRAY[" + ", ".join(f"{edge}.0" for edge in edges) + "]::float8[]"


CLOCK_STATE = f"""
CROSS JOIN LATERAL (SELECT
    ck.met_at IS NOT NULL AND ck.met_at <= ck.due_at AS kept,
    (ck.met_at IS NOT NULL AND ck.met_at > ck.due_at)
      OR (ck.met_at IS NULL AND ck.cancelled_at IS NULL AND ck.paused_at IS NULL AND ck.due_at <= %(as_of)s)
      OR (ck.met_at IS NULL AND ck.cancelled_at IS NOT NULL AND ck.cancelled_at > ck.due_at) AS missed,
    CASE WHEN ck.met_at IS NOT NULL THEN width_bucket(
        EXTRACT(EPOCH FROM ck.met_at - ck.started_at) / 60.0,
        CASE ck.target WHEN {ACKNOWLEDGE} THEN {_edges_array(ACKNOWLEDGE_EDGES)}
                       ELSE {_edges_array(RESPONSE_EDGES)} END)
    END AS bucket
) AS k"""


def _columns(facts: dict[str, str]) -> str:
    return ", ".join(f"{facts.get(column, '0')} AS {column}" for column in FACT_COLUMNS)


@dataclass(frozen=True)
class Filters:
    """The dashboard's department, category and channel filters, as SQL conditions on an alias."""

    department_id: int | None = None
    category_id: int | None = None
    channel: str | None = None

    def sql(self, alias: str) -> str:
        conditions = []
        if self.department_id:
            conditions.append(f"{alias}.department_id = %(department_id)s")
        if self.category_id:
            conditions.append(f"{alias}.category_id = %(category_id)s")
        if self.channel:
            conditions.append(f"{alias}.channel = %(channel)s")
        return "".join(f" AND {condition}" for condition in conditions)

    def params(self) -> dict:
        return {"department_id": self.department_id, "category_id": self.category_id, "channel": self.channel}


def days_relation(days_sql: str) -> str:
    """Turn a query of local days (one column, ``day``) into rows of (day, starts, ends)."""
    return f"""(SELECT day, day::timestamp AT TIME ZONE %(zone)s AS starts,
        (day + 1)::timestamp AT TIME ZONE %(zone)s AS ends FROM ({days_sql}) AS listed_days)"""


def local_day(column: str) -> str:
    return f"({column} AT TIME ZONE %(zone)s)::date"


# The content type of complaints: clocks point at their subject by content type and id.
COMPLAINT_CLOCKS = (
    "(SELECT id FROM django_content_type WHERE app_label = 'complaints' AND model = 'complaint')"
)


def _daily_live_branches(days_table: str, filters: Filters) -> list[str]:
    where = filters.sql("c")
    return [
        f"""SELECT d.day, c.department_id, c.category_id, c.channel, {_columns(COMPLAINT_FACTS)}
        FROM {days_table} AS d
        JOIN complaints_complaint AS c ON c.created_at >= d.starts AND c.created_at < d.ends
        LEFT JOIN complaints_appeal AS a ON a.complaint_id = c.id
        WHERE true{where}""",
        f"""SELECT d.day, c.department_id, c.category_id, c.channel, {_columns(CLOSED_FACTS)}
        FROM {days_table} AS d
        JOIN complaints_complaint AS c ON c.closed_at >= d.starts AND c.closed_at < d.ends
        WHERE true{where}""",
        f"""SELECT d.day, c.department_id, c.category_id, c.channel, {_columns(CLOCK_FACTS)}
        FROM {days_table} AS d
        JOIN complaints_complaint AS c ON c.created_at >= d.starts AND c.created_at < d.ends
        JOIN sla_clock AS ck ON ck.subject_id = c.id AND ck.subject_type_id = {COMPLAINT_CLOCKS}
        {CLOCK_STATE}
        WHERE true{where}""",
    ]


def _daily_fallen_due(filed_in_range: str, filters: Filters) -> str:
    """The running clocks that fell due since the refresh, on the days that are not stale."""
    return f"""SELECT {local_day("c.created_at")} AS day, c.department_id, c.category_id, c.channel,
            {_columns(FALLEN_DUE_FACTS)}
        FROM sla_clock AS ck
        JOIN complaints_complaint AS c ON c.id = ck.subject_id
        WHERE ck.subject_type_id = {COMPLAINT_CLOCKS}
          AND ck.met_at IS NULL AND ck.cancelled_at IS NULL AND ck.paused_at IS NULL
          AND ck.due_at > (SELECT refreshed_at FROM dashboard_rollupstate WHERE id = 1)
          AND ck.due_at <= %(now)s
          AND {filed_in_range}
          AND {local_day("c.created_at")} NOT IN (SELECT day FROM stale){filters.sql("c")}"""


def _subject_live_branches(days_table: str, filters: Filters) -> list[str]:
    return [
        f"""SELECT d.day, c.department_id, c.category_id, c.channel, c.subject_course_id,
            c.subject_instructor_id, 1 AS filed
        FROM {days_table} AS d
        JOIN complaints_complaint AS c ON c.created_at >= d.starts AND c.created_at < d.ends
        WHERE (c.subject_course_id IS NOT NULL OR c.subject_instructor_id IS NOT NULL){filters.sql("c")}"""
    ]


@dataclass(frozen=True)
class FactTable:
    """A stored table of daily facts: its key columns, its fact columns, and how to compute them live."""

    table: str
    keys: tuple[str, ...]
    columns: tuple[str, ...]
    live_branches: Callable[[str, Filters], list[str]]
    fallen_due: Callable[[str, Filters], str] | None = None

    def refresh_sql(self) -> str:
        """Insert every fact of the days in %(days)s, grouped (parameters: days, zone, as_of)."""
        days = days_relation("SELECT unnest(%(days)s::date[]) AS day")
        return f"""INSERT INTO {self.table} ({", ".join(self.keys)}, {", ".join(self.columns)})
        SELECT {", ".join(self.keys)}, {", ".join(f"SUM({column})" for column in self.columns)}
        FROM ({" UNION ALL ".join(self.live_branches(days, Filters()))}) AS facts
        GROUP BY {", ".join(self.keys)}"""

    def branches(self, *, bounded: bool, built: bool, filters: Filters) -> tuple[str, list[str]]:
        """A WITH clause and the queries whose fact rows, together, are those of the days from %(first)s to
        %(last)s (of every day when not ``bounded``).

        When the facts have been ``built``, these are the stored rows of the days that are not stale, the live
        rows of the stale days and, for the daily facts, the clocks of the other days that fell due since the
        refresh; otherwise every row is live. Parameters: zone, now, as_of (= now), first, last and today,
        and the filters'.
        """
        if not built:
            if bounded:
                days = (
                    "SELECT generate_series(%(first)s::date, %(last)s::date, interval '1 day')::date AS day"
                )
            else:
                days = (
                    f"SELECT generate_series(min({local_day('created_at')}), %(today)s::date, "
                    "interval '1 day')::date AS day FROM complaints_complaint"
                )
            return "", self.live_branches(days_relation(days), filters)
        if bounded:
            stored_days = "r.day >= %(first)s AND r.day <= %(last)s"
            stale_days = "SELECT day FROM stale WHERE day >= %(first)s AND day <= %(last)s"
            filed_in_range = (
                "c.created_at >= %(first)s::date::timestamp AT TIME ZONE %(zone)s "
                "AND c.created_at < (%(last)s::date + 1)::timestamp AT TIME ZONE %(zone)s"
            )
        else:
            stored_days, stale_days, filed_in_range = "true", "SELECT day FROM stale", "true"
        stale = f"""WITH stale AS MATERIALIZED (
            SELECT DISTINCT {local_day("at")} AS day FROM dashboard_rollupinvalidation
        )"""
        stored = f"""SELECT {", ".join(f"r.{column}" for column in self.keys)}, {", ".join(self.columns)}
            FROM {self.table} AS r
            WHERE {stored_days} AND r.day NOT IN (SELECT day FROM stale){filters.sql("r")}"""
        branches = [stored, *self.live_branches(days_relation(stale_days), filters)]
        if self.fallen_due:
            branches.append(self.fallen_due(filed_in_range, filters))
        return stale, branches

    def sums_sql(
        self,
        *,
        bounded: bool,
        built: bool,
        filters: Filters,
        keys: dict[str, str],
        columns: list[str],
        where: str,
    ) -> str:
        """Sum ``columns`` of the fact rows (see ``branches``) grouped by ``keys`` ({alias: expression over
        the fact row ``f``}), keeping the rows that satisfy ``where``.

        Each branch is summed on its own first: the stored rows' estimates are exact, so PostgreSQL groups
        them in memory, whatever it guesses for the live branches (usually empty).
        """
        with_clause, branches = self.branches(bounded=bounded, built=built, filters=filters)
        key_list = ", ".join(f"{expression} AS {alias}" for alias, expression in keys.items())
        positions = ", ".join(str(position) for position in range(1, len(keys) + 1))
        group_inner = f"GROUP BY {positions}" if keys else ""
        group_outer = f"GROUP BY {', '.join(keys)}" if keys else ""
        separator = ", " if keys else ""
        inner_sums = ", ".join(f"SUM(f.{column}) AS {column}" for column in columns)
        outer_sums = ", ".join(f"COALESCE(SUM(g.{column}), 0) AS {column}" for column in columns)
        grouped = " UNION ALL ".join(
            f"SELECT {key_list}{separator}{inner_sums} FROM ({branch}) AS f WHERE {where} {group_inner}"
            for branch in branches
        )
        return f"""{with_clause}
        SELECT {", ".join(keys)}{separator}{outer_sums} FROM ({grouped}) AS g {group_outer}"""


# The facts of each day, department, category and channel.
DAILY_FACTS = FactTable(
    table="dashboard_complaintday",
    keys=KEY_COLUMNS,
    columns=FACT_COLUMNS,
    live_branches=_daily_live_branches,
    fallen_due=_daily_fallen_due,
)

# The complaints naming a course or an instructor: per day, department, category, channel, course, instructor.
SUBJECT_FACTS = FactTable(
    table="dashboard_complaintsubjectday",
    keys=(*KEY_COLUMNS, "subject_course_id", "subject_instructor_id"),
    columns=("filed",),
    live_branches=_subject_live_branches,
)

FACT_TABLES = (DAILY_FACTS, SUBJECT_FACTS)
