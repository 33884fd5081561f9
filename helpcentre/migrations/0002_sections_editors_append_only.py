"""Seed the four sections, the help centre editors' group with its permissions, and make published versions
append-only."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from core.operations import AppendOnly

EDITORS = "help_centre_editor"
# slug, Chinese name, English name, Chinese description, English description
SECTIONS = [
    ("user-guide", "使用指南", "User guide", "一步一步学会使用平台的各项服务。", "Step by step through the platform's services."),
    ("faq", "常见问题", "FAQ", "学员最常问的问题和答案。", "The questions learners ask most, answered."),
    ("rights", "权益知识", "Rights knowledge", "作为学员，您享有哪些权利，如何维护。", "Your rights as a learner, and how to use them."),
    (
        "course-advice",
        "选课建议",
        "Course-selection advice",
        "报名之前值得了解的事情。",
        "What is worth knowing before you enrol.",
    ),
]
EDITOR_PERMISSIONS = [
    "view_section",
    "view_article",
    "add_article",
    "change_article",
    "publish_article",
    "view_articleversion",
    "view_helpfulvote",
]


def seed(apps, schema_editor):
    Section = apps.get_model("helpcentre", "Section")
    for position, (slug, name, name_en, description, description_en) in enumerate(SECTIONS):
        Section.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_en": name_en,
                "description": description,
                "description_en": description_en,
                "position": position,
            },
        )
    config = apps.get_app_config("helpcentre")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _created = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="helpcentre", codename__in=EDITOR_PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("helpcentre", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        AppendOnly("ArticleVersion"),
    ]
