"""The two standing schedules: the feedback process reviewed every six months, complaints every quarter.

The first of each falls due at the end of the half-year or quarter in which the migration runs; staff change
the dates, intervals and notice in the admin.
"""

import calendar
import datetime

from django.db import migrations
from django.utils import timezone


def _end_of_period(today: datetime.date, months: int) -> datetime.date:
    last_month = months * ((today.month - 1) // months + 1)
    return datetime.date(today.year, last_month, calendar.monthrange(today.year, last_month)[1])


def seed(apps, schema_editor):
    ReviewSchedule = apps.get_model("reviews", "ReviewSchedule")
    today = timezone.localdate()
    for kind, months in (("process", 6), ("complaints", 3)):
        ReviewSchedule.objects.get_or_create(
            kind=kind,
            measure=None,
            defaults={
                "interval_months": months,
                "first_due_on": _end_of_period(today, months) + datetime.timedelta(days=14),
                "remind_days_before": 14,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
