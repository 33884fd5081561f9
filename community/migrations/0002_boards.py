"""Seed the community's three boards (learning experiences, course reviews, rights discussion) and let the
supervisors moderate it. Running it again changes nothing."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# slug, Chinese name, English name, Chinese description, English description, position, offers a complaint
BOARDS = (
    (
        "experience",
        "学习经验分享",
        "Learning experiences",
        "分享学习方法、备考心得和时间安排。",
        "Share study methods, exam preparation and how you plan your time.",
        1,
        False,
    ),
    (
        "course-reviews",
        "课程评价交流",
        "Course reviews",
        "交流对课程和老师的真实感受，理性评价。",
        "Talk about how courses and teachers really are, fairly.",
        2,
        False,
    ),
    (
        "rights",
        "权益讨论",
        "Rights discussion",
        "讨论退费、合同、服务等学员权益问题；需要处理的问题可直接转为投诉。",
        "Discuss refunds, contracts, service and other learner rights; a matter to be handled can become a "
        "complaint.",
        3,
        True,
    ),
)


def seed(apps, schema_editor):
    Board = apps.get_model("community", "Board")
    for slug, name, name_en, description, description_en, position, offers_complaint in BOARDS:
        Board.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_en": name_en,
                "description": description,
                "description_en": description_en,
                "position": position,
                "offers_complaint": offers_complaint,
            },
        )


def let_supervisors_moderate(apps, schema_editor):
    """The supervisors' role holds the moderation permission."""
    config = apps.get_app_config("community")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    supervisors, _created = Group.objects.get_or_create(name="supervisor")
    supervisors.permissions.add(
        *Permission.objects.filter(content_type__app_label="community", codename="moderate_community")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0001_initial"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(let_supervisors_moderate, migrations.RunPython.noop),
    ]
