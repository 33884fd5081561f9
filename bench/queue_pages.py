"""Time the staff queue's admin pages over 1,000,000 complaints (goal: each under 100 ms).

Run: .venv/bin/python bench/queue_pages.py (uses the database bench/million.py builds: BENCH_DATABASE_URL,
default lr_bench)

Inside one transaction that it rolls back, it makes the nearest running clock of 1 % of the open complaints
overdue (and analyses the clocks, as autovacuum would), adds a support agent and a member of the leadership
group, and logs each in with Django's test Client. It then requests each page BENCH_REQUESTS times
(default 25) and reports the median server time of: the queue's first page, a filtered page (my department
+ overdue), a change page, and a trivial admin page (the password-change form) for comparison, with each
page's ratio to the trivial one.
"""

import os
import statistics
import time

from million import BENCH_PREFIX, ensure_million, log_in, say, setup_django

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "25"))
GOAL_MS = 100

MAKE_OVERDUE = """
WITH running AS (
    SELECT DISTINCT ON (subject_id) id, subject_id FROM sla_clock
    WHERE met_at IS NULL AND cancelled_at IS NULL AND paused_at IS NULL
    ORDER BY subject_id, due_at
), picked AS (
    SELECT id FROM running ORDER BY md5(subject_id::text) LIMIT %(count)s
)
UPDATE sla_clock SET warn_at = %(now)s - interval '2 hours', due_at = %(now)s - interval '1 hour'
FROM picked WHERE sla_clock.id = picked.id
"""


class Rollback(Exception):
    pass


def median_ms(client, url: str, params: dict | None = None) -> tuple[float, int]:
    client.get(url, params or {})  # warm caches, as a working session would be
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url, params or {})
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return statistics.median(timings), response.content.count(b'name="_selected_action"')


def main() -> None:
    setup_django()
    ensure_million()
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import user_add_role
    from complaints.models import Complaint
    from privacy.selectors import policy_version_current
    from privacy.services import policy_accept

    open_count = (
        Complaint.objects.filter(reference__startswith=BENCH_PREFIX)
        .exclude(state__in=["closed", "withdrawn", "rejected", "merged"])
        .count()
    )
    total = Complaint.objects.filter(reference__startswith=BENCH_PREFIX).count()
    say(f"{total:,} complaints, {open_count:,} open; {REQUESTS} requests per page.")
    results = []
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(MAKE_OVERDUE, {"count": open_count // 100, "now": timezone.now()})
                overdue = cursor.rowcount
                # As autovacuum would after such a change: the planner should know how many are overdue.
                cursor.execute("ANALYZE sla_clock")
            busiest = (
                Complaint.objects.values("department")
                .annotate(n=Count("pk"))
                .order_by("-n")
                .first()["department"]
            )
            agent = User.objects.create_user(
                "bench-agent@bench.invalid", display_name="基准坐席", department_id=busiest
            )
            user_add_role(user=agent, role=Role.AGENT)
            leader = User.objects.create_user("bench-leader@bench.invalid", display_name="基准领导")
            user_add_role(user=leader, role=Role.LEADERSHIP)
            for user in (agent, leader):
                policy_accept(user=user, policy_version=policy_version_current())
            say(f"{overdue:,} complaints made overdue (rolled back afterwards).")
            queue = reverse("admin:complaints_complaint_changelist")
            one = (
                Complaint.objects.filter(department_id=busiest, state="investigating").order_by("-pk").first()
            )
            pages = [
                ("queue, first page (agent)", agent, queue, None),
                ("queue, first page (leadership)", leader, queue, None),
                (
                    "queue, my department + overdue (agent)",
                    agent,
                    queue,
                    {"queue": "department", "due": "overdue"},
                ),
                ("queue, overdue (leadership)", leader, queue, {"due": "overdue"}),
                ("queue, search by mobile (leadership)", leader, queue, {"q": "13900000000"}),
                (
                    "change page (agent)",
                    agent,
                    reverse("admin:complaints_complaint_change", args=[one.pk]),
                    None,
                ),
                ("trivial: password change (agent)", agent, reverse("admin:password_change"), None),
            ]
            clients = {}
            for label, user, url, params in pages:
                if user.pk not in clients:
                    clients[user.pk] = Client()
                    log_in(clients[user.pk], user)
                if params and "q" in params:
                    # A search is posted, as the search box does; its page under its token is what is timed.
                    url = clients[user.pk].post(url, {**params, "_search": "1"}).url
                    params = None
                ms, rows = median_ms(clients[user.pk], url, params)
                results.append((label, ms, rows))
            raise Rollback
    except Rollback:
        pass
    trivial = results[-1][1]
    say("")
    say(f"| page | rows | median ms | × trivial | under {GOAL_MS} ms |")
    say("|---|---|---|---|---|")
    for label, ms, rows in results:
        say(f"| {label} | {rows} | {ms:.1f} | {ms / trivial:.1f} | {'yes' if ms < GOAL_MS else 'NO'} |")


if __name__ == "__main__":
    main()
