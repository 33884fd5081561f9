"""The feedback timeline is append-only; the default categories; feedback's own SLA policies.

An urgent item gets its handling plan within 24 hours, round the clock; an ordinary one within 5 working days
of an office-hours calendar that follows the official holidays and make-up working days (staff change both in
the admin). The review is due within 4 hours (urgent) or 1 working day; the result within 5 days (urgent) or
20 working days.
"""

import datetime

from django.db import migrations

import core.operations

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

CATEGORIES = [
    ("course_content", "课程内容", "Course content"),
    ("teacher", "授课教师", "Teacher"),
    ("learning_resources", "学习资源", "Learning resources"),
    ("facilities", "设施设备", "Facilities and equipment"),
    ("service_attitude", "服务态度", "Service attitude"),
    ("other", "其他", "Other"),
]
OFFICE_CALENDAR = "工作日办公时间（8:30–17:30，法定节假日与调休）"


def seed(apps, schema_editor):
    FeedbackCategory = apps.get_model("feedback", "FeedbackCategory")
    for position, (code, name, name_en) in enumerate(CATEGORIES):
        FeedbackCategory.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position}
        )
    WorkCalendar = apps.get_model("sla", "WorkCalendar")
    OfficeHours = apps.get_model("sla", "OfficeHours")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    ContentType = apps.get_model("contenttypes", "ContentType")
    around_the_clock, _created = WorkCalendar.objects.get_or_create(
        name="全天候（7×24 小时）", defaults={"round_the_clock": True, "time_zone": "Asia/Shanghai"}
    )
    office, created = WorkCalendar.objects.get_or_create(
        name=OFFICE_CALENDAR,
        defaults={"round_the_clock": False, "follows_official_calendar": True, "time_zone": "Asia/Shanghai"},
    )
    if created:
        for weekday in range(5):
            OfficeHours.objects.create(
                calendar=office, weekday=weekday, opens=datetime.time(8, 30), closes=datetime.time(17, 30)
            )
    item_type, _created = ContentType.objects.get_or_create(app_label="feedback", model="feedbackitem")
    SlaPolicy.objects.get_or_create(
        subject_type=item_type,
        severity="general",
        is_urgent=True,
        defaults={
            "acknowledge_within": 4 * HOUR,
            "acknowledge_unit": "business_hours",
            "first_response_within": 24 * HOUR,
            "first_response_unit": "business_hours",
            "resolve_within": 5 * DAY,
            "resolve_unit": "business_hours",
            "warning_percent": 75,
            "calendar": around_the_clock,
        },
    )
    SlaPolicy.objects.get_or_create(
        subject_type=item_type,
        severity="general",
        is_urgent=False,
        defaults={
            "acknowledge_within": 1 * DAY,
            "acknowledge_unit": "working_days",
            "first_response_within": 5 * DAY,
            "first_response_unit": "working_days",
            "resolve_within": 20 * DAY,
            "resolve_unit": "working_days",
            "warning_percent": 75,
            "calendar": office,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("sla", "0005_policy_per_subject"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        core.operations.AppendOnly("FeedbackEvent"),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
