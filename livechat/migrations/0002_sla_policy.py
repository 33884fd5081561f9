"""The chat's own SLA policy: a chat left as a message while nobody was on duty is taken on and answered
within one working day of the office-hours calendar (the one feedback uses: 8:30 to 17:30 on working days,
with the official holidays and make-up working days), and ended within three. Staff change it in the admin.
"""

import datetime

from django.db import migrations

DAY = datetime.timedelta(days=1)
OFFICE_CALENDAR = "工作日办公时间（8:30–17:30，法定节假日与调休）"


def seed(apps, schema_editor):
    WorkCalendar = apps.get_model("sla", "WorkCalendar")
    OfficeHours = apps.get_model("sla", "OfficeHours")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    ContentType = apps.get_model("contenttypes", "ContentType")
    office, created = WorkCalendar.objects.get_or_create(
        name=OFFICE_CALENDAR,
        defaults={"round_the_clock": False, "follows_official_calendar": True, "time_zone": "Asia/Shanghai"},
    )
    if created:
        for weekday in range(5):
            OfficeHours.objects.create(
                calendar=office, weekday=weekday, opens=datetime.time(8, 30), closes=datetime.time(17, 30)
            )
    chat_type, _created = ContentType.objects.get_or_create(app_label="livechat", model="chat")
    SlaPolicy.objects.get_or_create(
        subject_type=chat_type,
        severity="general",
        is_urgent=False,
        defaults={
            "acknowledge_within": 1 * DAY,
            "acknowledge_unit": "working_days",
            "first_response_within": 1 * DAY,
            "first_response_unit": "working_days",
            "resolve_within": 3 * DAY,
            "resolve_unit": "working_days",
            "warning_percent": 75,
            "calendar": office,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("livechat", "0001_initial"),
        ("sla", "0005_policy_per_subject"),
        ("feedback", "0002_defaults"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
