"""Filing throughput under gunicorn: logged-in learners posting the browser's filing form, beside a trivial
CSRF-checked form posted the same way, in one run.

Run: .venv/bin/python bench/filing_throughput.py (database: BENCH_FILING_DATABASE_URL, default
lr_bench_filing, migrated and given the demo institution if it has none; BENCH_PORT, default 8103;
BENCH_SECONDS per phase, default 10; BENCH_THREADS client threads, default 4)

It starts gunicorn with 2 sync workers on the bench settings (which route the trivial form), logs one demo
learner in per client thread (a session made as ``Client.force_login`` makes it), and runs four phases one
after the other: trivial, filing, trivial, filing. Each client thread loads its form once for the CSRF token
and then posts it in a loop, checking every answer is the redirect a success gives. It prints requests per
second and the 50th and 95th percentile latency of each phase.

BENCH_PROFILE=1 instead files BENCH_FILINGS (default 200) complaints in this process through Django's test
Client and prints where the time goes (cProfile) and the queries of one filing.
"""

import cProfile
import os
import pstats
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_FILING_DATABASE_URL", "postgres://root@127.0.0.1:5432/lr_bench_filing")
PORT = int(os.environ.get("BENCH_PORT", "8103"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
PROFILE = os.environ.get("BENCH_PROFILE") == "1"
PROFILE_FILINGS = int(os.environ.get("BENCH_FILINGS", "200"))
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def setup_django() -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    import django

    django.setup()


def prepare_database() -> None:
    from django.core.management import call_command

    call_command("ensure_database", verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)


def learners(count: int) -> list:
    from accounts.models import User
    from accounts.roles import Role

    people = list(User.objects.filter(groups__name=str(Role.LEARNER), is_active=True).order_by("pk")[:count])
    if len(people) < count:
        raise SystemExit(f"The demo institution has {len(people)} learners; {count} are needed.")
    return people


def session_cookie(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def filing_fields() -> dict:
    from complaints.models import Category

    category = Category.objects.filter(is_active=True).order_by("code").first()
    return {
        "category": str(category.pk),
        "title": "课程与宣传不符",
        "description": "宣传说有一对一辅导，实际没有。请核实并答复。",
        "co_complainants": "",
    }


def start_server() -> subprocess.Popen:
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
            "2",
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
    import requests

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{PORT}/", timeout=5)
            return server
        except requests.RequestException:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 30 seconds.")


def run_phase(*, path: str, fields: dict, cookies: list[str]) -> tuple[float, float, float]:
    """Post the form at ``path`` from one thread per cookie for SECONDS; return req/s, p50 and p95 in ms."""
    import requests
    from django.conf import settings

    url = f"http://127.0.0.1:{PORT}{path}"
    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(cookies), timeout=60)

    def client(cookie: str) -> None:
        session = requests.Session()
        session.cookies.set(settings.SESSION_COOKIE_NAME, cookie)
        page = session.get(url, timeout=10)
        found = TOKEN_RE.search(page.text)
        if found is None:
            with lock:
                errors.append(f"{path} answered {page.status_code} without a form")
            start.abort()
            return
        token = found.group(1)
        data = {"csrfmiddlewaretoken": token, **fields}
        mine = []
        try:
            start.wait()
        except threading.BrokenBarrierError:
            return
        deadline = time.monotonic() + SECONDS
        while time.monotonic() < deadline:
            began = time.perf_counter()
            answer = session.post(url, data=data, headers={"Referer": url}, allow_redirects=False, timeout=30)
            mine.append((time.perf_counter() - began) * 1000)
            if answer.status_code != 302:
                with lock:
                    errors.append(f"{path} answered {answer.status_code}")
                return
        with lock:
            timings.extend(mine)

    threads = [threading.Thread(target=client, args=(cookie,)) for cookie in cookies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(errors[0])
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    return len(timings) / SECONDS, statistics.median(timings), p95


def measure() -> None:
    from django.urls import reverse

    cookies = [session_cookie(person) for person in learners(THREADS)]
    fields = filing_fields()
    server = start_server()
    try:
        phases = [
            ("trivial form", reverse("bench-trivial"), {}),
            ("filing form", reverse("complaints:new"), fields),
        ]
        print(f"gunicorn, 2 sync workers; {THREADS} client threads; {SECONDS:.0f} s per phase")
        for name, path, data in phases * 2:
            rate, p50, p95 = run_phase(path=path, fields=data, cookies=cookies)
            print(f"{name:13} {rate:7.1f} req/s   p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    finally:
        server.terminate()
        server.wait(timeout=30)


def profile() -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(learners(1)[0])
    url = reverse("complaints:new")
    token = TOKEN_RE.search(client.get(url).content.decode()).group(1)
    data = {"csrfmiddlewaretoken": token, **filing_fields()}
    for _ in range(20):  # warm up
        client.post(url, data)
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url, data).status_code == 302
    print(f"one filing: {len(queries)} queries")
    for query in queries.captured_queries:
        print(f"  {query['time']}s  {query['sql'][:150]}")
    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    for _ in range(PROFILE_FILINGS):
        client.post(url, data)
    profiler.disable()
    took = (time.perf_counter() - began) * 1000 / PROFILE_FILINGS
    print(f"{took:.1f} ms per filing in process (under the profiler)")
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    setup_django()
    prepare_database()
    profile() if PROFILE else measure()


if __name__ == "__main__":
    main()
