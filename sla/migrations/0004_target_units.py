"""Each SLA target says what it counts: business hours, or working days.

Today's policies meant hours for acknowledgement and first response (1 h; 24, 48, 72 h) and days for
resolution (3, 5, 7 d): the resolution targets become working days, which on the default round-the-clock
calendar gives the same due times, and on an office-hours calendar three working days instead of 72 office
hours.
"""

import datetime

from django.db import migrations, models


def _default_table(SlaPolicy):
    """The default policies: all of them in this migration's state; those of no kind of subject once policies
    may belong to one (the tests reseed with today's models, beside feedback's own policies)."""
    names = {field.name for field in SlaPolicy._meta.get_fields()}
    policies = SlaPolicy.objects.all()
    return policies.filter(subject_type__isnull=True) if "subject_type" in names else policies


def count_resolution_in_working_days(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    for policy in _default_table(SlaPolicy):
        whole_days = policy.resolve_within == datetime.timedelta(days=policy.resolve_within.days)
        policy.resolve_unit = "working_days" if whole_days and policy.resolve_within.days else "business_hours"
        policy.save(update_fields=["resolve_unit"])


UNIT = [("business_hours", "business hours"), ("working_days", "working days")]


class Migration(migrations.Migration):
    dependencies = [("sla", "0003_clock_subjects")]

    operations = [
        migrations.AddField(
            model_name="slapolicy",
            name="acknowledge_unit",
            field=models.CharField(
                choices=UNIT, default="business_hours", max_length=20, verbose_name="acknowledgement counted in"
            ),
        ),
        migrations.AddField(
            model_name="slapolicy",
            name="first_response_unit",
            field=models.CharField(
                choices=UNIT, default="business_hours", max_length=20, verbose_name="first response counted in"
            ),
        ),
        migrations.AddField(
            model_name="slapolicy",
            name="resolve_unit",
            field=models.CharField(
                choices=UNIT, default="business_hours", max_length=20, verbose_name="resolution counted in"
            ),
        ),
        migrations.RunPython(count_resolution_in_working_days, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="slapolicy",
            name="resolve_unit",
            field=models.CharField(
                choices=UNIT, default="working_days", max_length=20, verbose_name="resolution counted in"
            ),
        ),
        migrations.AlterField(
            model_name="slapolicy",
            name="resolve_within",
            field=models.DurationField(
                help_text="In working days, give whole days: “3 days” is three working days.",
                verbose_name="resolve within",
            ),
        ),
    ]
