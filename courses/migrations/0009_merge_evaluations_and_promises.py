"""Join the evaluations and suggestions migrations with the training, development and promises ones."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0007_default_questionnaire'),
        ('courses', '0008_course_promises'),
    ]

    operations = [
    ]
