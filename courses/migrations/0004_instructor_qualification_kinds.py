"""The qualifications an instructor holds (师资): a teaching certificate is required; the others are recorded."""

from django.db import migrations

KINDS = [
    # code, Chinese name, English name, required, expires
    ("teaching_certificate", "教师资格证", "Teaching certificate", True, True),
    ("professional_certificate", "职业资格证书", "Professional certificate", False, True),
    ("degree", "学历学位证书", "Degree certificate", False, False),
    ("work_history", "工作经历证明", "Proof of work history", False, False),
]


def seed_kinds(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    QualificationKind = apps.get_model("qualifications", "QualificationKind")
    instructor, _created = ContentType.objects.get_or_create(app_label="courses", model="instructor")
    for position, (code, name, name_en, required, expires) in enumerate(KINDS):
        QualificationKind.objects.update_or_create(
            holder_type=instructor,
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "required": required,
                "expires": expires,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_terms_and_classes"),
        ("qualifications", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed_kinds, migrations.RunPython.noop)]
