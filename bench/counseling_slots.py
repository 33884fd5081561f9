"""Free slots of 200 counsellors for two weeks: the computation ``counseling.slots.free_slots`` does for any
number of counsellors and days, beside a trivial query on the same connection.

Run: .venv/bin/python bench/counseling_slots.py (database: BENCH_SLOTS_DATABASE_URL, default
lr_bench_counselling_slots, built once; BENCH_COUNSELLORS, default 200; BENCH_RUNS, default 7)

The data, built once with bulk inserts: 200 bookable counsellors (each with a verified certificate), working
Monday to Friday 09:00–12:00 and 13:30–18:00 and Saturday 10:00–16:00 in their own time zones (a tenth in Hong
Kong, a tenth in London), 50-minute sessions with a 10-minute buffer; a tenth have a day off in the coming two
weeks and a tenth extra hours; 35 % of every slot from 90 days ago to 14 days ahead booked (attended in the
past, confirmed ahead), and a twentieth of those ahead cancelled. Then, each measured BENCH_RUNS times after
one warm-up (median, min, max): the bookable counsellors read and their free slots for 14 days; the slots of
one counsellor for 14 days (the counsellor's page); and ``SELECT 1``-like trivial query.
"""

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get(
    "BENCH_SLOTS_DATABASE_URL", "postgres://root@127.0.0.1:5432/lr_bench_counselling_slots"
)
COUNSELLORS = int(os.environ.get("BENCH_COUNSELLORS", "200"))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
DAYS = 14
HISTORY_DAYS = 90
BOOKED_SHARE = 0.35


def setup_django() -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    import django

    django.setup()


def prepare_database() -> None:
    from django.core.management import call_command

    call_command("ensure_database", verbosity=0)
    call_command("migrate", verbosity=0)


def build() -> None:
    from django.contrib.auth.hashers import make_password
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from counseling.models import (
        Appointment,
        AvailabilityException,
        Counsellor,
        Speciality,
        State,
        WeeklyHours,
    )
    from counseling.slots import free_slots
    from qualifications.models import Qualification, QualificationKind

    if Counsellor.objects.count() >= COUNSELLORS:
        return
    began = time.perf_counter()
    rng = random.Random(20261203)
    today = timezone.localdate()
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(
                email=f"counsellor-{number}@bench.invalid",
                display_name=f"咨询师{number}",
                password=make_password(None),  # no log-in
            )
            for number in range(COUNSELLORS)
        )
        zones = ["Asia/Hong_Kong"] * 20 + ["Europe/London"] * 20 + ["Asia/Shanghai"] * (COUNSELLORS - 40)
        counsellors = Counsellor.objects.bulk_create(
            Counsellor(user=user, public_name=user.display_name, languages=["zh"], time_zone=zones[index])
            for index, user in enumerate(users)
        )
        speciality, _created = Speciality.objects.get_or_create(
            code="anxiety", defaults={"name": "焦虑情绪", "name_en": "Anxiety"}
        )
        Counsellor.specialities.through.objects.bulk_create(
            Counsellor.specialities.through(counsellor=counsellor, speciality=speciality)
            for counsellor in counsellors
        )
        holder_type = ContentType.objects.get_for_model(Counsellor)
        kind = QualificationKind.objects.get(holder_type=holder_type, code="counsellor_certificate")
        reviewer = users[0]
        Qualification.objects.bulk_create(
            Qualification(
                holder_type=holder_type,
                holder_id=counsellor.pk,
                kind=kind,
                number=f"PSY-{counsellor.pk:06d}",
                issuer="中国心理学会",
                valid_from=today - datetime.timedelta(days=400),
                valid_until=today + datetime.timedelta(days=700),
                scan=b"scan",
                scan_type="image/png",
                scan_name="certificate.png",
                state="verified",
                submitted_by=counsellor.user,
                reviewed_by=reviewer if counsellor.user_id != reviewer.pk else users[1],
                reviewed_at=timezone.now(),
            )
            for counsellor in counsellors
        )
        hours = []
        for counsellor in counsellors:
            for day in range(5):
                hours.append(WeeklyHours(counsellor=counsellor, weekday=day, starts="09:00", ends="12:00"))
                hours.append(WeeklyHours(counsellor=counsellor, weekday=day, starts="13:30", ends="18:00"))
            hours.append(WeeklyHours(counsellor=counsellor, weekday=5, starts="10:00", ends="16:00"))
        WeeklyHours.objects.bulk_create(hours)
        exceptions = []
        for index, counsellor in enumerate(counsellors):
            day = today + datetime.timedelta(days=rng.randrange(1, DAYS))
            if index % 10 == 0:
                exceptions.append(AvailabilityException(counsellor=counsellor, day=day, kind="day_off"))
            elif index % 10 == 1:
                exceptions.append(
                    AvailabilityException(
                        counsellor=counsellor, day=day, kind="extra_hours", starts="19:00", ends="21:00"
                    )
                )
        AvailabilityException.objects.bulk_create(exceptions)

        first = today - datetime.timedelta(days=HISTORY_DAYS)
        offered = free_slots(
            counsellors=counsellors,
            first=first,
            last=today + datetime.timedelta(days=DAYS),
            now=timezone.now() - datetime.timedelta(days=HISTORY_DAYS + 1),
            booked_count=False,
        )
        client, _created = User.objects.get_or_create(
            email="client@bench.invalid", defaults={"display_name": "来访者", "password": make_password(None)}
        )
        now = timezone.now()
        rows, number = [], 0
        for counsellor in counsellors:
            for slot in offered[counsellor.pk]:
                if rng.random() >= BOOKED_SHARE:
                    continue
                number += 1
                past = slot.ends_at < now
                cancelled = not past and rng.random() < 0.05
                state = State.COMPLETED if past else State.CANCELLED if cancelled else State.CONFIRMED
                rows.append(
                    Appointment(
                        reference=f"ZX-{slot.starts_at.year}-{number:06d}",
                        counsellor=counsellor,
                        client=client,
                        state=state,
                        starts_at=slot.starts_at,
                        ends_at=slot.ends_at,
                        blocked_from=slot.starts_at,
                        blocked_until=slot.ends_at + datetime.timedelta(minutes=10),
                        confirmed_at=slot.starts_at - datetime.timedelta(days=3),
                        cancellation_reason="有事" if cancelled else "",
                        created_at=slot.starts_at - datetime.timedelta(days=3),
                    )
                )
        Appointment.objects.bulk_create(rows, batch_size=5000)
    took = time.perf_counter() - began
    print(f"built {COUNSELLORS} counsellors and {len(rows):,} appointments in {took:.1f} s")


def timed(function, runs: int = RUNS) -> tuple[float, float, float]:
    function()  # warm up
    took = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        took.append((time.perf_counter() - began) * 1000)
    return statistics.median(took), min(took), max(took)


def measure() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from counseling.models import Appointment
    from counseling.selectors import counsellor_free_slots, counsellors_bookable
    from counseling.slots import free_slots

    today = timezone.localdate()
    last = today + datetime.timedelta(days=DAYS - 1)

    def all_counsellors():
        counsellors = list(counsellors_bookable())
        assert len(counsellors) == COUNSELLORS, len(counsellors)
        return free_slots(counsellors=counsellors, first=today, last=last, now=timezone.now())

    one = counsellors_bookable().order_by("pk").first()

    def one_counsellor():
        return counsellor_free_slots(counsellor=one, first=today, last=last)

    def trivial():
        return User.objects.filter(pk=one.user_id).exists()

    with CaptureQueriesContext(connection) as queries:
        found = all_counsellors()
    slots = sum(len(each) for each in found.values())
    sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    print(
        f"{Appointment.objects.count():,} appointments; {slots:,} free slots of {COUNSELLORS} counsellors "
        f"in {DAYS} days; {len(queries.captured_queries)} queries taking {sql_ms:.0f} ms of one run"
    )
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for name, function in (
        (f"{COUNSELLORS} counsellors, {DAYS} days", all_counsellors),
        (f"one counsellor, {DAYS} days", one_counsellor),
        ("trivial query", trivial),
    ):
        median, low, high = timed(function)
        print(f"{name:28} median {median:8.2f} ms   min {low:8.2f}   max {high:8.2f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def main() -> None:
    setup_django()
    prepare_database()
    build()
    measure()


if __name__ == "__main__":
    main()
