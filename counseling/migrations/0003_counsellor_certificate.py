"""The qualification every counsellor must hold to be booked: a psychological counsellor's certificate."""

from django.db import migrations


def seed(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    QualificationKind = apps.get_model("qualifications", "QualificationKind")
    holder_type, _created = ContentType.objects.get_or_create(app_label="counseling", model="counsellor")
    QualificationKind.objects.get_or_create(
        holder_type_id=holder_type.pk,
        code="counsellor_certificate",
        defaults={
            "name": "心理咨询师资格证书",
            "name_en": "Psychological counsellor's certificate",
            "required": True,
            "expires": True,
            "is_active": True,
            "position": 0,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("counseling", "0002_appointmentevent_append_only"),
        ("qualifications", "0002_reviewers"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
