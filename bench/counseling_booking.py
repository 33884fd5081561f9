"""Booking throughput under gunicorn: verified clients racing for the same counselling slots through the REST
API (hold, then confirm), and afterwards a check in SQL that no counsellor has overlapping held or
confirmed appointments.

Run: .venv/bin/python bench/counseling_booking.py (database: BENCH_BOOKING_DATABASE_URL, default
lr_booking_bench, migrated on the first run; BENCH_PORT, default 8712; BENCH_THREADS client threads, default
8; BENCH_WORKERS gunicorn sync workers, default 4; BENCH_COUNSELLORS fresh counsellors per run, default 5)

Each run makes BENCH_COUNSELLORS new counsellors (qualified, 09:00–17:00 every day, hourly slots) so that
their next 14 days are free, and BENCH_THREADS verified clients (identity, consent to counselling records, the
privacy policy accepted), each logged in with a session as ``Client.force_login`` makes it. Every client
thread walks the same list of slots in the same order: it POSTs a hold for the slot; a 201 is followed by the
confirmation (which must answer 200); a 409 ``slot_taken`` is a refusal; anything else fails the run. When all
threads have walked the list, every slot must be confirmed exactly once, and the SQL check below must find no
overlap.
"""

import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_BOOKING_DATABASE_URL", "postgres://root@127.0.0.1:5432/lr_booking_bench")
PORT = int(os.environ.get("BENCH_PORT", "8712"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
COUNSELLORS = int(os.environ.get("BENCH_COUNSELLORS", "5"))
DAYS = 14

OVERLAPS = """
    SELECT count(*)
    FROM counseling_appointment a
    JOIN counseling_appointment b
      ON a.counsellor_id = b.counsellor_id AND a.id < b.id
     AND tstzrange(a.blocked_from, a.blocked_until) && tstzrange(b.blocked_from, b.blocked_until)
    WHERE a.state IN ('held', 'confirmed') AND b.state IN ('held', 'confirmed')
      AND a.counsellor_id = ANY(%s)
"""


def setup_django() -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    import django

    django.setup()


def prepare_database() -> None:
    from django.core.management import call_command

    call_command("ensure_database", verbosity=0)
    call_command("migrate", verbosity=0)


def make_counsellors() -> list:
    from accounts.roles import Role
    from accounts.tests.factories import UserFactory
    from counseling.tests.factories import CounsellorFactory

    run = uuid.uuid4().hex[:8]
    return [
        CounsellorFactory(
            user=UserFactory(email=f"counsellor-{run}-{number}@bench.invalid", roles=[Role.COUNSELLOR]),
            public_name=f"咨询师{run}-{number}",
        )
        for number in range(COUNSELLORS)
    ]


def make_clients() -> list:
    from accounts.tests.factories import LearnerFactory
    from counseling.tests.factories import verify_client
    from privacy.selectors import policy_version_current
    from privacy.services import policy_accept

    run = uuid.uuid4().hex[:8]
    version = policy_version_current()
    clients = []
    for number in range(THREADS):
        learner = LearnerFactory(email=f"client-{run}-{number}@bench.invalid")
        verify_client(learner)
        if version is not None:
            policy_accept(user=learner, policy_version=version)
        clients.append(learner)
    return clients


def session_cookie(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def start_server() -> subprocess.Popen:
    import requests

    environment = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
    }
    server = subprocess.Popen(  # noqa: S603 (the arguments are this script's own)
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{PORT}/", timeout=5)
            return server
        except requests.RequestException:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 30 seconds.")


def race(*, cookies: list[str], csrf_page: str, slots: list[tuple[int, str]]) -> dict:
    """Every thread walks ``slots`` in the same order, holding and confirming what it wins."""
    import requests
    from django.conf import settings

    base = f"http://127.0.0.1:{PORT}/api/v1/counselling"
    outcomes: Counter = Counter()
    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(cookies), timeout=60)

    def client(cookie: str) -> None:
        session = requests.Session()
        session.cookies.set(settings.SESSION_COOKIE_NAME, cookie)
        session.get(f"http://127.0.0.1:{PORT}{csrf_page}", timeout=10)
        token = session.cookies.get(settings.CSRF_COOKIE_NAME)
        if not token:
            with lock:
                errors.append(f"{csrf_page} set no CSRF cookie")
            start.abort()
            return
        headers = {"X-CSRFToken": token, "Referer": f"http://127.0.0.1:{PORT}{csrf_page}"}
        mine: Counter = Counter()
        took = []
        try:
            start.wait()
        except threading.BrokenBarrierError:
            return
        for counsellor_id, starts_at in slots:
            began = time.perf_counter()
            held = session.post(
                f"{base}/appointments/",
                json={"counsellor": counsellor_id, "starts_at": starts_at},
                headers=headers,
                timeout=30,
            )
            took.append((time.perf_counter() - began) * 1000)
            if held.status_code == 409 and held.json().get("code") == "slot_taken":
                mine["refused: slot_taken"] += 1
                continue
            if held.status_code != 201:
                with lock:
                    errors.append(f"hold answered {held.status_code}: {held.text[:200]}")
                return
            mine["held"] += 1
            began = time.perf_counter()
            confirmed = session.post(
                f"{base}/appointments/{held.json()['reference']}/confirm/", headers=headers, timeout=30
            )
            took.append((time.perf_counter() - began) * 1000)
            if confirmed.status_code != 200:
                with lock:
                    errors.append(f"confirm answered {confirmed.status_code}: {confirmed.text[:200]}")
                return
            mine["confirmed"] += 1
        with lock:
            outcomes.update(mine)
            timings.extend(took)

    threads = [threading.Thread(target=client, args=(cookie,)) for cookie in cookies]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise SystemExit(errors[0])
    timings.sort()
    return {
        "elapsed": elapsed,
        "requests": len(timings),
        "outcomes": outcomes,
        "p50": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1],
    }


def measure() -> None:
    import datetime

    from django.db import connection
    from django.utils import timezone

    from counseling.models import Appointment, State
    from counseling.slots import free_slots

    counsellors = make_counsellors()
    cookies = [session_cookie(client) for client in make_clients()]
    first = timezone.localdate() + datetime.timedelta(days=1)
    offered = free_slots(
        counsellors=counsellors,
        first=first,
        last=first + datetime.timedelta(days=DAYS - 1),
        now=timezone.now(),
    )
    slots = sorted(
        (
            (counsellor_id, slot.starts_at.isoformat())
            for counsellor_id, each in offered.items()
            for slot in each
        ),
        key=lambda pair: (pair[1], pair[0]),
    )
    server = start_server()
    try:
        print(
            f"gunicorn, {WORKERS} sync workers; {THREADS} client threads; {len(slots)} slots of {COUNSELLORS}"
        )
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        result = race(
            cookies=cookies, csrf_page=f"/counselling/counsellors/{counsellors[0].pk}/", slots=slots
        )
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        server.terminate()
        server.wait(timeout=30)

    outcomes = result["outcomes"]
    rate = result["requests"] / result["elapsed"]
    print(
        f"{result['requests']} requests in {result['elapsed']:.1f} s: {rate:.1f} req/s, "
        f"p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms"
    )
    print(
        f"holds {outcomes['held']}, confirmed {outcomes['confirmed']} "
        f"({outcomes['confirmed'] / result['elapsed']:.1f} bookings/s), "
        f"refused slot_taken {outcomes['refused: slot_taken']}"
    )
    ids = [counsellor.pk for counsellor in counsellors]
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS, [ids])
        (overlaps,) = cursor.fetchone()
    booked = Appointment.objects.filter(counsellor_id__in=ids)
    by_state = Counter(booked.values_list("state", flat=True))
    per_slot = max(
        Counter(booked.filter(state=State.CONFIRMED).values_list("counsellor_id", "starts_at")).values(),
        default=0,
    )
    print(
        f"SQL check: {overlaps} overlapping held or confirmed pairs; appointments by state {dict(by_state)}"
    )
    print(f"most confirmed appointments on one slot: {per_slot}")
    if overlaps or per_slot != 1 or by_state.get(State.CONFIRMED) != len(slots):
        raise SystemExit("double booking or a slot left unbooked")


def main() -> None:
    setup_django()
    prepare_database()
    measure()


if __name__ == "__main__":
    main()
