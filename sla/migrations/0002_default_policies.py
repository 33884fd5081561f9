"""Seed the default calendar (24×7) and the SLA policies of the design: acknowledge within 1 hour; first
response within 24 h (urgent or major), 48 h (important), 72 h (general); resolve within 3 / 5 / 7 days."""

import datetime

from django.db import migrations

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

# severity, first response (not urgent), resolution
TARGETS = [
    ("general", 72 * HOUR, 7 * DAY),
    ("important", 48 * HOUR, 5 * DAY),
    ("major", 24 * HOUR, 3 * DAY),
]
URGENT_FIRST_RESPONSE = 24 * HOUR


def seed(apps, schema_editor):
    WorkCalendar = apps.get_model("sla", "WorkCalendar")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    calendar, _created = WorkCalendar.objects.get_or_create(
        name="全天候（7×24 小时）", defaults={"round_the_clock": True, "time_zone": "Asia/Shanghai"}
    )
    names = {field.name for field in SlaPolicy._meta.get_fields()}
    for severity, first_response, resolution in TARGETS:
        for urgent in (False, True):
            SlaPolicy.objects.get_or_create(
                severity=severity,
                is_urgent=urgent,
                # Today's models (the tests reseed with them) keep other subjects' policies beside these.
                **({"subject_type": None} if "subject_type" in names else {}),
                defaults={
                    "acknowledge_within": HOUR,
                    "first_response_within": min(first_response, URGENT_FIRST_RESPONSE) if urgent else first_response,
                    "resolve_within": resolution,
                    "warning_percent": 75,
                    "calendar": calendar,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
