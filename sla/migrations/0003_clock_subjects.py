"""Clocks and escalations point at any registered subject (content type and id) instead of a complaint.

Existing rows keep their complaint as their subject; a clock of a major complaint reaches the leadership
group on breach, and one whose leadership escalation exists is marked as having told it.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q

RUNNING = Q(met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True)


def point_at_complaints(apps, schema_editor):
    Clock = apps.get_model("sla", "Clock")
    if not Clock.objects.exists():
        return
    ContentType = apps.get_model("contenttypes", "ContentType")
    complaint_type, _created = ContentType.objects.get_or_create(app_label="complaints", model="complaint")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "UPDATE sla_clock AS clock SET subject_type_id = %s, subject_id = clock.complaint_id, "
            "breach_reaches_leadership = (complaint.severity = 'major') "
            "FROM complaints_complaint AS complaint WHERE complaint.id = clock.complaint_id",
            [complaint_type.pk],
        )
        cursor.execute(
            "UPDATE sla_clock AS clock SET leadership_escalated_at = escalation.created_at "
            "FROM sla_escalation AS escalation "
            "WHERE escalation.clock_id = clock.id AND escalation.level = 'leadership'"
        )
        cursor.execute(
            "UPDATE sla_escalation SET subject_type_id = %s, subject_id = complaint_id", [complaint_type.pk]
        )


def point_back_at_complaints(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("UPDATE sla_clock SET complaint_id = subject_id")
        cursor.execute("UPDATE sla_escalation SET complaint_id = subject_id")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("sla", "0002_default_policies"),
    ]

    operations = [
        migrations.AddField(
            model_name="clock",
            name="subject_type",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="kind of subject",
            ),
        ),
        migrations.AddField(
            model_name="clock",
            name="subject_id",
            field=models.PositiveBigIntegerField(null=True, verbose_name="subject"),
        ),
        migrations.AddField(
            model_name="clock",
            name="breach_reaches_leadership",
            field=models.BooleanField(default=False, verbose_name="a breach reaches the leadership group"),
        ),
        migrations.AddField(
            model_name="clock",
            name="leadership_escalated_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="leadership told at"),
        ),
        migrations.AddField(
            model_name="escalation",
            name="subject_type",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="kind of subject",
            ),
        ),
        migrations.AddField(
            model_name="escalation",
            name="subject_id",
            field=models.PositiveBigIntegerField(null=True, verbose_name="subject"),
        ),
        migrations.AddField(
            model_name="escalation",
            name="reached_nobody",
            field=models.BooleanField(default=False, verbose_name="reached nobody"),
        ),
        migrations.RunPython(point_at_complaints, point_back_at_complaints),
        migrations.RemoveConstraint(model_name="clock", name="clock_one_per_target"),
        migrations.RemoveIndex(model_name="clock", name="clock_running_by_complaint"),
        migrations.RemoveConstraint(model_name="escalation", name="escalation_once_per_level"),
        migrations.RemoveField(model_name="clock", name="complaint"),
        migrations.RemoveField(model_name="escalation", name="complaint"),
        migrations.AlterField(
            model_name="clock",
            name="subject_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="kind of subject",
            ),
        ),
        migrations.AlterField(
            model_name="clock", name="subject_id", field=models.PositiveBigIntegerField(verbose_name="subject")
        ),
        migrations.AlterField(
            model_name="escalation",
            name="subject_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="kind of subject",
            ),
        ),
        migrations.AlterField(
            model_name="escalation",
            name="subject_id",
            field=models.PositiveBigIntegerField(verbose_name="subject"),
        ),
        migrations.AddConstraint(
            model_name="clock",
            constraint=models.UniqueConstraint(
                fields=("subject_type", "subject_id", "target"), name="clock_one_per_target"
            ),
        ),
        migrations.AddIndex(
            model_name="clock",
            index=models.Index(
                condition=RUNNING
                & Q(breached_at__isnull=False, breach_reaches_leadership=True, leadership_escalated_at=None),
                fields=["breached_at"],
                name="clock_leadership_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="clock",
            index=models.Index(
                condition=RUNNING, fields=["subject_type", "subject_id", "due_at"], name="clock_running_by_subject"
            ),
        ),
        migrations.AddConstraint(
            model_name="escalation",
            constraint=models.UniqueConstraint(
                fields=("subject_type", "subject_id", "target", "level"), name="escalation_once_per_level"
            ),
        ),
        migrations.AddIndex(
            model_name="escalation",
            index=models.Index(
                condition=Q(reached_nobody=True), fields=["created_at"], name="escalation_unreached_idx"
            ),
        ),
    ]
