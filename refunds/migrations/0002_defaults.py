"""The refund timeline is append-only; the first published refund rules; the refunds' own SLA policy.

The rules: within 7 days of purchase and before the first lesson, the amount paid; until a third of the
lessons are taken, the share of the lessons not taken; after that nothing; but when the institution is at
fault, the share of the lessons not taken whatever the date. Staff decide within 3 working days, the
leadership group approves a large refund within 5, and the money is paid back within 10, on the office-hours
calendar that follows the official holidays and make-up working days (staff change all of it in the admin).
"""

import datetime

from django.db import migrations

import core.operations

DAY = datetime.timedelta(days=1)
OFFICE_CALENDAR = "工作日办公时间（8:30–17:30，法定节假日与调休）"
POLICY_NAME = "学员退费规则（2026 年版）"

RULES = [
    # position, clause, label, label_en, at fault only, within days, before first lesson, share, outcome
    (
        1,
        "第一条",
        "因机构原因（停课、未经同意更换教师等）退费：按未上课时退还",
        "The institution at fault (a cancelled class, an instructor changed without agreement): the lessons "
        "not taken are refunded",
        True,
        None,
        False,
        None,
        "pro_rata",
    ),
    (
        2,
        "第二条",
        "购买后 7 日内且尚未上课：全额退费",
        "Within 7 days of purchase and before the first lesson: the full amount",
        False,
        7,
        True,
        None,
        "full",
    ),
    (
        3,
        "第三条",
        "已上课时不超过三分之一：按未上课时比例退费",
        "Up to a third of the lessons taken: the share of the lessons not taken",
        False,
        None,
        False,
        (1, 3),
        "pro_rata",
    ),
    (
        4,
        "第四条",
        "已上课时超过三分之一：不予退费",
        "More than a third of the lessons taken: no refund",
        False,
        None,
        False,
        None,
        "none",
    ),
]


def seed(apps, schema_editor):
    RefundPolicy = apps.get_model("refunds", "RefundPolicy")
    RefundRule = apps.get_model("refunds", "RefundRule")
    policy, created = RefundPolicy.objects.get_or_create(
        name=POLICY_NAME,
        defaults={
            "name_en": "Learner refund rules (2026)",
            "effective_at": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        },
    )
    if created:
        for position, clause, label, label_en, at_fault, days, before, share, outcome in RULES:
            RefundRule.objects.create(
                policy=policy,
                position=position,
                clause=clause,
                label=label,
                label_en=label_en,
                at_fault_only=at_fault,
                within_days=days,
                before_first_lesson=before,
                taken_up_to_numerator=share[0] if share else None,
                taken_up_to_denominator=share[1] if share else None,
                outcome=outcome,
                percent=100,
            )
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
    request_type, _created = ContentType.objects.get_or_create(app_label="refunds", model="refundrequest")
    SlaPolicy.objects.get_or_create(
        subject_type=request_type,
        severity="general",
        is_urgent=False,
        defaults={
            "acknowledge_within": 3 * DAY,
            "acknowledge_unit": "working_days",
            "first_response_within": 5 * DAY,
            "first_response_unit": "working_days",
            "resolve_within": 10 * DAY,
            "resolve_unit": "working_days",
            "warning_percent": 75,
            "calendar": office,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("refunds", "0001_initial"),
        ("sla", "0005_policy_per_subject"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        core.operations.AppendOnly("RefundEvent"),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
