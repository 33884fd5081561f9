"""Time Chinese full-text search over 1,000,000 complaints (goal: median under 200 ms, p95 under 500 ms).

Run: .venv/bin/python bench/search.py (uses the database bench/million.py builds: BENCH_DATABASE_URL,
default lr_bench; its complaints' texts are varied, so a two-character term matches a realistic share)

For each term it times, BENCH_SEARCHES times (default 40), what a search costs its reader:
- the search service alone, as the staff queue runs it: ``complaint_search`` over the complaints the reader
  reaches (the access policy's narrowing included), the capped count the queue's paginator makes, and the
  first page of 50 rows, title matches first, then the newest;
- the queue's whole admin page under the search's token, through the test Client (middleware, the access
  policy, the access-log rows of the complaints shown), for a member of the leadership group (every
  complaint) and for a support agent (their department's).
Nothing is written but the two staff accounts and their access-log rows, in a transaction rolled back.
"""

import os
import statistics
import time

from million import BENCH_PREFIX, ensure_million, log_in, say, setup_django

SEARCHES = int(os.environ.get("BENCH_SEARCHES", "40"))
MEDIAN_GOAL_MS = 200
P95_GOAL_MS = 500
# Frequent in titles and descriptions; in descriptions mostly; in titles only; a term no text holds.
TERMS = ("退费", "老师", "空调", "泄露", "投诉处理")
PAGE = 50
COUNT_CAP = 6 * PAGE  # the queue's paginator counts at most five pages past the first


class Rollback(Exception):
    pass


def percentile(timings: list[float], share: float) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(work) -> tuple[float, float, object]:
    work()  # warm caches, as a working database would be
    timings, result = [], None
    for _ in range(SEARCHES):
        started = time.perf_counter()
        result = work()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), percentile(timings, 0.95), result


def main() -> None:
    setup_django()
    ensure_million()
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import user_add_role
    from complaints.models import Complaint
    from complaints.selectors.access import complaint_search
    from core.search import read_in_parts, search_condition
    from privacy import policy
    from privacy.selectors import policy_version_current
    from privacy.services import policy_accept

    with connection.cursor() as cursor:
        # As autovacuum would after the search column was added: the planner needs the vectors' statistics.
        cursor.execute("ANALYZE complaints_complaint")
    total = Complaint.objects.filter(reference__startswith=BENCH_PREFIX).count()
    say(f"{total:,} complaints; {SEARCHES} searches per figure.")
    shares = {}
    for term in TERMS:
        condition = search_condition(term)
        shares[term] = Complaint.objects.filter(condition.matches).count()
    queue = reverse("admin:complaints_complaint_changelist")
    results = []
    try:
        with transaction.atomic():
            busiest = (Complaint.objects.values("department").annotate(n=Count("pk")).order_by("-n").first())[
                "department"
            ]
            agent = User.objects.create_user(
                "bench-search-agent@bench.invalid", display_name="基准坐席", department_id=busiest
            )
            user_add_role(user=agent, role=Role.AGENT)
            leader = User.objects.create_user("bench-search-leader@bench.invalid", display_name="基准领导")
            user_add_role(user=leader, role=Role.LEADERSHIP)
            for user in (agent, leader):
                policy_accept(user=user, policy_version=policy_version_current())
            clients = {}
            for user in (agent, leader):
                clients[user.pk] = Client()
                log_in(clients[user.pk], user)
            for term in TERMS:
                for label, user in (("leadership", leader), ("agent", agent)):
                    reachable = policy.visible_to(
                        user=user, queryset=Complaint.objects.select_related("category", "department")
                    )

                    def service(reachable=reachable, term=term):
                        found, parts = complaint_search(reachable, term)
                        counted = found.order_by().values("pk")[: COUNT_CAP + 1].count()
                        rows = read_in_parts(parts, offset=0, limit=PAGE) if parts else list(found[:PAGE])
                        return counted, [complaint.reference for complaint in rows]

                    median, p95, (counted, rows) = timed(service)
                    results.append((term, f"search service ({label})", len(rows), counted, median, p95))
                    client = clients[user.pk]
                    address = client.post(queue, {"q": term, "_search": "1"}).url

                    def page(client=client, address=address):
                        response = client.get(address)
                        if response.status_code != 200:
                            raise SystemExit(f"{address} answered {response.status_code}")
                        return response.content.count(b'name="_selected_action"')

                    median, p95, rows = timed(page)
                    results.append((term, f"queue page ({label})", rows, None, median, p95))
            with connection.cursor() as cursor:
                reachable = policy.visible_to(user=leader, queryset=Complaint.objects)
                _found, parts = complaint_search(reachable, "退费")
                first = parts[0].values("pk")[:PAGE]
                sql, params = first.query.sql_with_params()
                cursor.execute("EXPLAIN " + sql, params)
                plan = [row[0] for row in cursor.fetchall()]
            raise Rollback
    except Rollback:
        pass
    say("")
    say("| term | complaints holding it | what | rows shown | median ms | p95 ms | goals met |")
    say("|---|---|---|---|---|---|---|")
    for term, what, rows, _counted, median, p95 in results:
        met = "yes" if median < MEDIAN_GOAL_MS and p95 < P95_GOAL_MS else "NO"
        say(f"| {term} | {shares[term]:,} | {what} | {rows} | {median:.1f} | {p95:.1f} | {met} |")
    say("")
    say("Plan of the leadership search for 退费 (its title matches, first page):")
    for line in plan:
        say(f"    {line}")


if __name__ == "__main__":
    main()
