"""A complaint category for a course that is not as advertised (与宣传不符): what its page promised about
its teaching does not hold. Teaching supervision handles it."""

from django.db import migrations


def seed(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    Category = apps.get_model("complaints", "Category")
    Category.objects.get_or_create(
        code="not_as_advertised",
        defaults={
            "name": "与宣传不符",
            "name_en": "Not as advertised",
            "default_department": Department.objects.get(code="teaching_supervision"),
            "default_severity": "important",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0014_improvement_action_follows_feedback")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
