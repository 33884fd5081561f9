"""The periodic requirements an institution starts with, and the managers' right to record and read them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REQUIREMENTS = [
    # name, English name, kind, every months
    ("师德师风培训", "Professional ethics training", "training", 12),
    ("教学能力考核", "Teaching assessment", "assessment", 12),
]


def seed(apps, schema_editor):
    Requirement = apps.get_model("courses", "DevelopmentRequirement")
    for name, name_en, kind, months in REQUIREMENTS:
        Requirement.objects.get_or_create(
            name=name, defaults={"name_en": name_en, "kind": kind, "every_months": months}
        )


def let_managers_record(apps, schema_editor):
    config = apps.get_app_config("courses")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    managers, _created = Group.objects.get_or_create(name="manager")
    managers.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="courses",
            codename__in=[
                "view_developmentrecord",
                "add_developmentrecord",
                "view_developmentrequirement",
                "add_developmentrequirement",
                "change_developmentrequirement",
                "view_instructor",
            ],
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0005_instructor_development"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(let_managers_record, migrations.RunPython.noop),
    ]
