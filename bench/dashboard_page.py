"""Server time of the dashboard for a year at 1,000,000 complaints (goal: under 500 ms).

Renders the whole page through the test client as a manager, five times after one warm-up run.
"""

import statistics
import time

from million import ensure_million, say, setup_django


def main() -> None:
    setup_django()
    ensure_million()
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from accounts.roles import Role
    from privacy.selectors import policy_version_current
    from privacy.services import policy_accept

    manager, _created = User.objects.get_or_create(
        email="bench-manager@bench.invalid", defaults={"display_name": "基准经理", "is_staff": True}
    )
    manager.groups.add(Group.objects.get(name=Role.MANAGER))
    current = policy_version_current()
    if current is not None and not current.consents.filter(user=manager).exists():
        policy_accept(user=manager, policy_version=current)
    client = Client()
    client.force_login(manager)
    client.get("/dashboard/", {"period": "year"})
    timings = []
    for _run in range(5):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get("/dashboard/", {"period": "year"})
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    say(f"dashboard, this year, all complaints: {len(queries)} queries")
    say(
        f"median {statistics.median(timings) * 1000:.0f} ms, min {min(timings) * 1000:.0f} ms, "
        f"max {max(timings) * 1000:.0f} ms (goal < 500 ms)"
    )


if __name__ == "__main__":
    main()
