"""Courses count their lessons and enrolments the lessons taken, for refunds; an enrolment keeps when it was
bought (the rows already there were bought when they were entered)."""

import django.core.validators
import django.utils.timezone
from django.db import migrations, models


def purchased_when_entered(apps, schema_editor):
    Enrolment = apps.get_model("courses", "Enrolment")
    Enrolment.objects.update(purchased_at=models.F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_display_name_no_bidi_controls'),
        ('courses', '0003_terms_and_classes'),
    ]

    operations = [
        migrations.AddField(
            model_name='course',
            name='lesson_count',
            field=models.PositiveSmallIntegerField(default=1, help_text='How many lessons the course has: refunds are worked out by lessons taken.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='lessons'),
        ),
        migrations.AddField(
            model_name='enrolment',
            name='lessons_taken',
            field=models.PositiveSmallIntegerField(default=0, help_text='Lessons of the course already given to this learner (attended or not).', verbose_name='lessons taken'),
        ),
        migrations.AddField(
            model_name='enrolment',
            name='purchased_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='purchased at'),
        ),
        migrations.RunPython(purchased_when_entered, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='course',
            constraint=models.CheckConstraint(condition=models.Q(('lesson_count__gte', 1)), name='course_has_a_lesson'),
        ),
    ]
