from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0004_instructor_qualification_kinds"),
        ("courses", "0004_lessons_and_purchase"),
    ]

    operations = []
