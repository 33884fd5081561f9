"""Peak memory of streaming the CSV of every benchmark complaint (goal: flat, under 150 MB).

A child process consumes the streamed response of /dashboard/complaints.csv for a range covering all
1,000,000 complaints and reports its peak resident memory (resource.getrusage) before and after.
"""

import resource
import subprocess
import sys
import time

from million import ensure_million, manager_client, say, setup_django


def child() -> None:
    setup_django()
    client = manager_client()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    response = client.get("/dashboard/complaints.csv", {"from": "2025-01-01", "to": "2026-12-31"})
    rows = size = 0
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
        size += len(chunk)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    say(f"{rows - 1:,} rows, {size / 1e6:.0f} MB of CSV in {seconds:.1f} s")
    say(f"peak resident memory: {before:.0f} MB before the export, {peak:.0f} MB after (goal < 150 MB)")


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        child()
    else:
        setup_django()
        ensure_million()
        subprocess.run([sys.executable, __file__, "--child"], check=True)  # noqa: S603 (this very script)
