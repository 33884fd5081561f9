"""The safety case timeline is append-only; the safety case's own SLA policy, round the clock.

A risk flag's case is acknowledged by the safety officer within 30 minutes, followed up within 4 hours and
closed within 3 days; the warning comes at 75 % of each. Staff change these in the SLA admin.
"""

import datetime

from django.db import migrations

import core.operations

HOUR = datetime.timedelta(hours=1)


def seed(apps, schema_editor):
    WorkCalendar = apps.get_model("sla", "WorkCalendar")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    ContentType = apps.get_model("contenttypes", "ContentType")
    around_the_clock, _created = WorkCalendar.objects.get_or_create(
        name="全天候（7×24 小时）", defaults={"round_the_clock": True, "time_zone": "Asia/Shanghai"}
    )
    case_type, _created = ContentType.objects.get_or_create(app_label="counseling", model="safetycase")
    SlaPolicy.objects.get_or_create(
        subject_type=case_type,
        severity="major",
        is_urgent=True,
        defaults={
            "acknowledge_within": HOUR / 2,
            "acknowledge_unit": "business_hours",
            "first_response_within": 4 * HOUR,
            "first_response_unit": "business_hours",
            "resolve_within": 72 * HOUR,
            "resolve_unit": "business_hours",
            "warning_percent": 75,
            "calendar": around_the_clock,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("counseling", "0004_session_records"),
        ("sla", "0005_policy_per_subject"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        core.operations.AppendOnly(model_name="safetycaseevent"),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
