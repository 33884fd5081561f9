"""Latency of the three health answers under gunicorn: liveness, readiness, and the deep check with a Celery
worker running (goal for liveness and readiness: under 50 ms; the deep check must not wait out its ping).

Run: .venv/bin/python bench/health.py (the filing benchmark's database, BENCH_FILING_DATABASE_URL, default
lr_bench_filing, prepared the same way; BENCH_PORT, default 8104; BENCH_REQUESTS per answer, default 200).
It starts gunicorn with 2 sync workers and one Celery worker on the same broker, asks each answer in turn
from one client, and prints the median and 95th percentile time of each, and the answers' status codes.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("BENCH_PORT", "8104")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from filing_throughput import DATABASE_URL, PORT, ROOT, prepare_database, setup_django, start_server

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
ANSWERS = ("/healthz/live", "/healthz/ready", "/healthz")


def start_worker() -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
    }
    return subprocess.Popen(  # noqa: S603 (the arguments are this script's own)
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "config",
            "worker",
            "--concurrency",
            "1",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def measure(session, path: str) -> tuple[float, float, set[int]]:
    times, statuses = [], set()
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = session.get(f"http://127.0.0.1:{PORT}{path}", timeout=10)
        times.append((time.perf_counter() - started) * 1000)
        statuses.add(response.status_code)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], statuses


def main() -> None:
    setup_django()
    prepare_database()
    import requests

    server, worker = start_server(), start_worker()
    try:
        session = requests.Session()
        deadline = time.monotonic() + 60
        while session.get(f"http://127.0.0.1:{PORT}/healthz", timeout=10).status_code != 200:
            if time.monotonic() > deadline:
                raise SystemExit("The deep check did not turn healthy within 60 seconds.")
            time.sleep(1)
        print(f"gunicorn, 2 sync workers; one Celery worker; {REQUESTS} requests per answer, one client")
        for path in ANSWERS:
            median, p95, statuses = measure(session, path)
            print(f"{path:16} median {median:7.1f} ms   p95 {p95:7.1f} ms   status {sorted(statuses)}")
    finally:
        server.terminate()
        worker.terminate()
        server.wait(timeout=30)
        worker.wait(timeout=30)


if __name__ == "__main__":
    main()
