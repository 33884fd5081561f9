"""Let the managers' role vet qualifications: the platform's reviewers of counsellors and instructors."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def let_managers_vet(apps, schema_editor):
    config = apps.get_app_config("qualifications")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    managers, _created = Group.objects.get_or_create(name="manager")
    managers.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="qualifications",
            codename__in=["vet_qualification", "view_qualification", "view_qualificationkind",
                          "add_qualificationkind", "change_qualificationkind"],
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("qualifications", "0001_initial"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(let_managers_vet, migrations.RunPython.noop)]
