"""The stored daily facts of feedback: one SQL definition, written by an idempotent upsert.

Cohort: every fact of an item belongs to the local day it was *received* on, so a period's figures keep their
meaning as its items move on (a rating given next month still counts for the month the item came in).

Two tables, so a year sums few rows whatever the number of courses:
- ``feedback_feedbackday``: per day, category, channel, department and term;
- ``feedback_feedbacksubjectday``: per day, course and instructor (the courses and teachers rankings).

The facts of one item:
- received, accepted (reviewed and handled as feedback), rejected, converted (into a complaint), result
  notified, rated, rating_sum, satisfied (rated 4 or 5);
- negative: see ``NEGATIVE_RULE``;
- planned and plan_seconds (received to plan made), handling_seconds (received to result notified, summed
  over the items whose result was notified);
- plan_on_time and plan_decided: the SLA clock of the handling plan (target ``first_response``, see
  ``feedback.clocks``) was *kept* when met no later than its due time; it is *decided* when kept, met late,
  stopped after its due time, or still running (not paused) past its due time at the refresh, the same meaning
  as the dashboard's (``dashboard.facts``).
"""

from sla.models import Target

from ..models import State

# Negative feedback (for "courses where negative feedback concentrates"): an item that staff converted into a
# complaint (it was a grievance, not a suggestion), that was flagged urgent, or whose handling the learner
# rated 1 or 2. Rejected items (not genuine or not valid) never count. The rule uses only recorded facts: no
# guess from the text.
NEGATIVE_RULE = (
    f"(i.state <> '{State.REJECTED.value}' AND (i.state = '{State.CONVERTED.value}' OR i.is_urgent "
    "OR (i.rating IS NOT NULL AND i.rating <= 2)))"
)

FACTS = {
    "received": "1",
    "accepted": (
        "(i.reviewed_at IS NOT NULL AND i.state NOT IN "
        f"('{State.REJECTED.value}', '{State.CONVERTED.value}'))::int"
    ),
    "rejected": f"(i.state = '{State.REJECTED.value}')::int",
    "converted": f"(i.state = '{State.CONVERTED.value}')::int",
    "result_notified": "(i.result_notified_at IS NOT NULL)::int",
    "rated": "(i.rating IS NOT NULL)::int",
    "rating_sum": "COALESCE(i.rating, 0)",
    "satisfied": "(i.rating IS NOT NULL AND i.rating >= 4)::int",
    "negative": f"({NEGATIVE_RULE})::int",
    "planned": "(i.planned_at IS NOT NULL)::int",
    "plan_seconds": "COALESCE(EXTRACT(EPOCH FROM i.planned_at - i.created_at), 0)::bigint",
    "handling_seconds": "COALESCE(EXTRACT(EPOCH FROM i.result_notified_at - i.created_at), 0)::bigint",
    "plan_on_time": "(ck.met_at IS NOT NULL AND ck.met_at <= ck.due_at)::int",
    "plan_decided": """(ck.id IS NOT NULL AND (ck.met_at IS NOT NULL
        OR (ck.cancelled_at IS NULL AND ck.paused_at IS NULL AND ck.due_at <= %(as_of)s)
        OR (ck.cancelled_at IS NOT NULL AND ck.cancelled_at > ck.due_at)))::int""",
}
FACT_COLUMNS: tuple[str, ...] = tuple(FACTS)

DAY_KEYS = ("day", "category_id", "channel", "department_id", "term_id")
SUBJECT_KEYS = ("day", "course_id", "instructor_id")
TABLES = {"feedback_feedbackday": DAY_KEYS, "feedback_feedbacksubjectday": SUBJECT_KEYS}

FEEDBACK_CLOCKS = (
    "(SELECT id FROM django_content_type WHERE app_label = 'feedback' AND model = 'feedbackitem')"
)
LOCAL_DAY = "(i.created_at AT TIME ZONE %(zone)s)::date"


def upsert_sql(table: str) -> str:
    """Store the facts of the items received from %(first)s to %(last)s (local days) in ``table``.

    An upsert (ON CONFLICT … DO UPDATE) stamped with %(stamp)s; the caller then deletes the rows of those
    days that were not stamped (keys with no item left), so running it twice writes the same rows.
    """
    keys = TABLES[table]
    item_keys = [LOCAL_DAY if key == "day" else f"i.{key}" for key in keys]
    sums = ", ".join(f"SUM({expression})" for expression in FACTS.values())
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in (*FACT_COLUMNS, "refreshed_at"))
    return f"""INSERT INTO {table} ({", ".join(keys)}, {", ".join(FACT_COLUMNS)}, refreshed_at)
    SELECT {", ".join(item_keys)}, {sums}, %(stamp)s
    FROM feedback_feedbackitem AS i
    LEFT JOIN sla_clock AS ck ON ck.subject_type_id = {FEEDBACK_CLOCKS} AND ck.subject_id = i.id
        AND ck.target = '{Target.FIRST_RESPONSE.value}'
    WHERE i.created_at >= %(first)s::date::timestamp AT TIME ZONE %(zone)s
      AND i.created_at < (%(last)s::date + 1)::timestamp AT TIME ZONE %(zone)s
    GROUP BY {", ".join(str(position) for position in range(1, len(keys) + 1))}
    ON CONFLICT ({", ".join(keys)}) DO UPDATE SET {updates}"""  # noqa: S608 (the module's own constants)


def prune_sql(table: str) -> str:
    """Delete the rows of the refreshed days that the upsert did not write."""
    return f"""DELETE FROM {table}
    WHERE day >= %(first)s AND day <= %(last)s AND refreshed_at <> %(stamp)s"""  # noqa: S608
