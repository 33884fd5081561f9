"""Join the instructor vetting and development migrations with the lessons and purchase date ones."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0004_lessons_and_purchase'),
        ('courses', '0006_development_defaults'),
    ]

    operations = [
    ]
