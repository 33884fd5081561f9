"""Refund requests on the dashboard: how many were asked for, the money asked, approved and paid back, the
refusals, and how long staff took to decide (median hours, share within the decision target).

One statement for both periods, on the requests' own table and the decision clocks. The department filter
follows the course's department; the category and channel filters are the complaints' and do not apply.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from refunds.models import RefundRequest, State
from sla.models import Target

from .scope import Scope, change, share

_SQL = """
SELECT
    count(*) FILTER (WHERE r.created_at >= %(cur_start)s AND r.created_at < %(cur_end)s),
    count(*) FILTER (WHERE r.created_at >= %(prev_start)s AND r.created_at < %(prev_end)s),
    coalesce(sum(r.amount) FILTER (WHERE r.created_at >= %(cur_start)s AND r.created_at < %(cur_end)s), 0),
    coalesce(sum(r.amount) FILTER (WHERE r.created_at >= %(prev_start)s AND r.created_at < %(prev_end)s), 0),
    coalesce(sum(r.approved_amount) FILTER (WHERE r.state IN %(approved)s
        AND coalesce(r.approval_at, r.decided_at) >= %(cur_start)s
        AND coalesce(r.approval_at, r.decided_at) < %(cur_end)s), 0),
    coalesce(sum(r.approved_amount) FILTER (WHERE r.state IN %(approved)s
        AND coalesce(r.approval_at, r.decided_at) >= %(prev_start)s
        AND coalesce(r.approval_at, r.decided_at) < %(prev_end)s), 0),
    coalesce(sum(r.paid_amount) FILTER (WHERE r.paid_on >= %(cur_first)s AND r.paid_on <= %(cur_last)s), 0),
    coalesce(sum(r.paid_amount) FILTER (WHERE r.paid_on >= %(prev_first)s AND r.paid_on <= %(prev_last)s), 0),
    count(*) FILTER (WHERE r.state = %(refused)s AND r.closed_at >= %(cur_start)s
        AND r.closed_at < %(cur_end)s),
    count(*) FILTER (WHERE r.state = %(refused)s AND r.closed_at >= %(prev_start)s
        AND r.closed_at < %(prev_end)s),
    percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.decided_at - r.created_at) / 3600)
        FILTER (WHERE r.decided_at >= %(cur_start)s AND r.decided_at < %(cur_end)s),
    percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.decided_at - r.created_at) / 3600)
        FILTER (WHERE r.decided_at >= %(prev_start)s AND r.decided_at < %(prev_end)s),
    count(*) FILTER (WHERE r.decided_at >= %(cur_start)s AND r.decided_at < %(cur_end)s),
    count(*) FILTER (WHERE r.decided_at >= %(cur_start)s AND r.decided_at < %(cur_end)s
        AND c.met_at <= c.due_at),
    count(*) FILTER (WHERE r.decided_at >= %(prev_start)s AND r.decided_at < %(prev_end)s),
    count(*) FILTER (WHERE r.decided_at >= %(prev_start)s AND r.decided_at < %(prev_end)s
        AND c.met_at <= c.due_at)
FROM refunds_refundrequest r
JOIN courses_enrolment e ON e.id = r.enrolment_id
JOIN courses_course co ON co.id = e.course_id
LEFT JOIN sla_clock c
    ON c.subject_type_id = %(subject_type)s AND c.subject_id = r.id AND c.target = %(target)s
WHERE (%(department)s::bigint IS NULL OR co.department_id = %(department)s::bigint)
"""


def refund_figures(scope: Scope) -> dict:
    """Refund requests in the period and the one before: counts, CNY amounts and time to decide."""
    period, previous = scope.period, scope.period.previous()
    params = {
        "cur_start": period.starts_at,
        "cur_end": period.ends_at,
        "prev_start": previous.starts_at,
        "prev_end": previous.ends_at,
        "cur_first": period.first,
        "cur_last": period.last,
        "prev_first": previous.first,
        "prev_last": previous.last,
        "approved": (State.APPROVED, State.PAID),
        "refused": State.REFUSED,
        "subject_type": ContentType.objects.get_for_model(RefundRequest).pk,
        "target": Target.ACKNOWLEDGE,
        "department": scope.department_id,
    }
    with connection.cursor() as cursor:
        cursor.execute(_SQL, params)
        row = cursor.fetchone()
    (
        requested,
        requested_before,
        asked,
        asked_before,
        approved,
        approved_before,
        paid,
        paid_before,
        refused,
        refused_before,
        median,
        median_before,
        decided,
        in_time,
        decided_before,
        in_time_before,
    ) = row
    return {
        "requested": change(requested, requested_before),
        "requested_cny": change(asked, asked_before),
        "approved_cny": change(approved, approved_before),
        "paid_cny": change(paid, paid_before),
        "refused": change(refused, refused_before),
        "decide_median_hours": change(
            None if median is None else round(median, 1),
            None if median_before is None else round(median_before, 1),
        ),
        "decided_in_time": change(share(in_time, decided), share(in_time_before, decided_before)),
    }
