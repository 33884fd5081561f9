"""Time the import of a scanned batch of 10,000 paper forms, and show its memory stays flat (goal: < 30 s).

Run: .venv/bin/python bench/feedback_import.py (its own database: BENCH_DATABASE_URL, default
lr_bench_import, created and migrated on first use)

Each run writes a CSV of N rows (a third of them naming a learner, who is then told, a tenth urgent; every
row names a course and one of its teachers), checks it whole and imports it whole, exactly as the admin's
import does, then rolls everything back so runs repeat. It reports the time of the check and of the import,
and the peak of Python's allocations during each, at 2,000 and at 10,000 rows: memory that does not grow
with the file is what "flat" means here.
"""

import csv
import os
import statistics
import tempfile
import time
import tracemalloc

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://root@127.0.0.1:5432/lr_bench_import")

from million import say, setup_django

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SIZES = (2_000, 10_000)


class Rollback(Exception):
    pass


def _prepare():
    from django.core.management import call_command

    call_command("ensure_database", verbosity=0)  # created on first use
    call_command("migrate", verbosity=0)
    from accounts.models import Department, User
    from accounts.roles import Role
    from accounts.services import user_add_role
    from courses.models import Course, Instructor

    department, _created = Department.objects.get_or_create(code="bench", defaults={"name": "基准部门"})
    staff, created = User.objects.get_or_create(
        email="bench-staff@bench.invalid", defaults={"display_name": "录入员"}
    )
    if created:
        user_add_role(user=staff, role=Role.AGENT)
    learners = []
    for number in range(50):
        learner, created = User.objects.get_or_create(
            email=f"bench-paper-{number}@bench.invalid", defaults={"display_name": f"学员{number}"}
        )
        if created:
            user_add_role(user=learner, role=Role.LEARNER)
        learners.append(learner)
    courses = []
    for number in range(20):
        course, _created = Course.objects.get_or_create(
            code=f"BENCH-{number}",
            defaults={"title": f"课程{number}", "department": department, "price": 100},
        )
        teacher, _created = Instructor.objects.get_or_create(
            name=f"基准老师{number}", defaults={"department": department}
        )
        course.instructors.add(teacher)
        courses.append((course.code, teacher.name))
    return staff, learners, courses


def _write_csv(path: str, rows: int, learners, courses) -> None:
    categories = ["课程内容", "授课教师", "学习资源", "设施设备", "服务态度", "其他"]
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["类别", "内容", "课程", "教师", "学员邮箱", "紧急"])
        for number in range(rows):
            code, teacher = courses[number % len(courses)]
            email = learners[number % len(learners)].email if number % 3 == 0 else ""
            writer.writerow(
                [
                    categories[number % len(categories)],
                    f"第{number}张表格：希望课程资料更新得更及时，课后答疑时间再长一些。",
                    code,
                    teacher,
                    email,
                    "是" if number % 10 == 0 else "否",
                ]
            )


def _run(staff, path: str) -> tuple[float, float, int, int, int]:
    from django.core.files import File
    from django.db import transaction

    from feedback.imports import import_check, import_write
    from feedback.models import FeedbackItem, ImportJob

    result = None
    try:
        with transaction.atomic():
            with open(path, "rb") as source:
                job = ImportJob(file_name="bench.csv", file_kind="csv", created_by=staff)
                job.file.save("imports/bench", File(source), save=False)
                job.save()
            tracemalloc.start()
            started = time.perf_counter()
            job = import_check(job=job)
            checked = time.perf_counter() - started
            _size, check_peak = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            assert job.state == ImportJob.State.READY, job.errors[:3]
            started = time.perf_counter()
            job = import_write(job=job)
            written = time.perf_counter() - started
            _size, write_peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            assert job.state == ImportJob.State.DONE, job.errors[:3]
            count = FeedbackItem.objects.filter(batch=job.batch).count()
            job.file.delete(save=False)
            result = (checked, written, check_peak, write_peak, count)
            raise Rollback
    except Rollback:
        pass
    return result


def main() -> None:
    setup_django()
    staff, learners, courses = _prepare()
    say(f"Paper-form import, {RUNS} runs per size (median), each rolled back")
    for rows in SIZES:
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "batch.csv")
            _write_csv(path, rows, learners, courses)
            runs = [_run(staff, path) for _ in range(RUNS)]
        assert all(run[4] == rows for run in runs)
        check = statistics.median(run[0] for run in runs)
        write = statistics.median(run[1] for run in runs)
        check_peak = max(run[2] for run in runs) / 2**20
        write_peak = max(run[3] for run in runs) / 2**20
        say(
            f"{rows:>6} rows: check {check:.2f} s, import {write:.2f} s, together {check + write:.2f} s; "
            f"peak Python allocations {check_peak:.1f} MiB (check), {write_peak:.1f} MiB (import)"
        )


if __name__ == "__main__":
    main()
