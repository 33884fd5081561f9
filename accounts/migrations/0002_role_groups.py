"""Create one group per role, so that every environment has the same roles from its first migration."""

from django.db import migrations

ROLE_NAMES = [
    "learner",
    "parent",
    "agent",
    "supervisor",
    "manager",
    "leadership",
    "counsellor",
    "instructor",
    "legal",
    "safety_officer",
]


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_NAMES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
