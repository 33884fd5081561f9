"""Time how long one filing holds the year's reference counter lock, with five 9.5 MB evidence files.

Run: .venv/bin/python bench/filing_lock.py (database: BENCH_FILING_DATABASE_URL, default lr_bench_filing;
it is migrated and given the demo institution if it has none; BENCH_FILINGS filings, default 10)

Every filing in the deployment waits on the year's counter row while another filing holds it, so the time
it is held bounds how many filings per second the deployment can take at all. The lock is taken by the
statement that increments the counter and released by the filing's COMMIT; the script timestamps that
statement (a database execute wrapper) and the moment the transaction has committed (an ``on_commit``
callback registered right after the statement), and prints the median and the maximum over the filings,
with the whole filing's time beside it. The evidence is written to a temporary media folder, deleted after.
"""

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_FILING_DATABASE_URL", "postgres://root@127.0.0.1:5432/lr_bench_filing")
FILINGS = int(os.environ.get("BENCH_FILINGS", "10"))
FILES_PER_FILING = 5
FILE_BYTES = int(9.5 * 1024 * 1024)


def setup_django(media_root: str) -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["MEDIA_ROOT"] = media_root
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    import django

    django.setup()


def prepare_database() -> None:
    from django.core.management import call_command

    call_command("ensure_database", verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)


def evidence_files(folder: Path) -> list[Path]:
    """Write five photos of about 9.5 MB (PNGs of random pixels, which do not compress) to upload from.

    Real images, as the evidence checks read each file's content (a PDF must parse, an image must end
    where its format says)."""
    from PIL import Image

    side = int((FILE_BYTES / 3) ** 0.5)
    paths = []
    for index in range(FILES_PER_FILING):
        path = folder / f"evidence-{index}.png"
        Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(path, format="PNG")
        paths.append(path)
    return paths


class CounterLockTimer:
    """Note when the counter statement runs and when its transaction has committed."""

    def __init__(self):
        self.taken_at: float | None = None
        self.released_at: float | None = None

    def __call__(self, execute, sql, params, many, context):
        from django.db import transaction

        is_counter = "referencecounter" in sql.lower()
        if is_counter:
            self.taken_at = time.perf_counter()
        result = execute(sql, params, many, context)
        if is_counter:
            transaction.on_commit(self._committed)
        return result

    def _committed(self):
        self.released_at = time.perf_counter()


def main() -> None:
    media_root = tempfile.mkdtemp(prefix="bench-filing-media-")
    uploads = Path(tempfile.mkdtemp(prefix="bench-filing-uploads-"))
    try:
        setup_django(media_root)
        prepare_database()
        run(evidence_files(uploads))
    finally:
        shutil.rmtree(media_root, ignore_errors=True)
        shutil.rmtree(uploads, ignore_errors=True)


def run(paths: list[Path]) -> None:
    from django.core.files import File
    from django.db import connection

    from accounts.models import User
    from accounts.roles import Role
    from complaints.models import Category
    from complaints.services import complaint_file

    learner = User.objects.filter(groups__name=str(Role.LEARNER), is_active=True).order_by("pk").first()
    category = Category.objects.filter(is_active=True).order_by("code").first()
    held, whole = [], []
    for _ in range(FILINGS):
        timer = CounterLockTimer()
        handles = [path.open("rb") for path in paths]
        try:
            started = time.perf_counter()
            with connection.execute_wrapper(timer):
                complaint_file(
                    actor=learner,
                    complainant=learner,
                    category=category,
                    title="Benchmark filing with evidence",
                    description="Five evidence files of 9.5 MB each.",
                    attachments=[File(handle, name=Path(handle.name).name) for handle in handles],
                )
            whole.append((time.perf_counter() - started) * 1000)
        finally:
            for handle in handles:
                handle.close()
        held.append((timer.released_at - timer.taken_at) * 1000)
    print(f"{FILINGS} filings, {FILES_PER_FILING} files of {FILE_BYTES / 1024 / 1024:.1f} MB each")
    print(f"counter lock held: median {statistics.median(held):.1f} ms, max {max(held):.1f} ms")
    print(f"whole filing:      median {statistics.median(whole):.1f} ms, max {max(whole):.1f} ms")


if __name__ == "__main__":
    main()
