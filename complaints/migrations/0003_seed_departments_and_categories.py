"""Seed the seven departments and the eleven complaint categories of DESIGN §2, and the rules row.

Department codes match the demo data, which updates the same rows by code.
"""

from django.db import migrations

DEPARTMENTS = [
    ("customer_service", "客户服务部", "Customer service"),
    ("academic_affairs", "教务处", "Academic affairs"),
    ("teaching_supervision", "教学督导部", "Teaching supervision"),
    ("finance", "财务部", "Finance"),
    ("legal", "法务部", "Legal"),
    ("technical_operations", "技术运维部", "Technical operations"),
    ("leadership", "领导小组", "Leadership group"),
]

# code, Chinese name, English name, default department, default severity
CATEGORIES = [
    ("teaching", "教学质量", "Teaching", "teaching_supervision", "general"),
    ("instructor_conduct", "教师言行", "Instructor conduct", "teaching_supervision", "important"),
    ("service", "服务态度", "Service", "customer_service", "general"),
    ("fees_refunds", "收费与退费", "Fees and refunds", "finance", "important"),
    ("platform", "平台与技术", "Platform", "technical_operations", "general"),
    ("facilities", "教学设施", "Facilities", "academic_affairs", "general"),
    ("safety", "人身与校园安全", "Safety", "leadership", "major"),
    ("student_management", "学员管理", "Student management", "academic_affairs", "general"),
    ("privacy", "个人信息保护", "Privacy", "legal", "important"),
    ("counselling", "心理咨询服务", "Counselling", "teaching_supervision", "important"),
    ("other", "其他", "Other", "customer_service", "general"),
]


def seed(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    Category = apps.get_model("complaints", "Category")
    ComplaintRules = apps.get_model("complaints", "ComplaintRules")
    departments = {}
    for code, name, name_en in DEPARTMENTS:
        departments[code], _created = Department.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en}
        )
    for code, name, name_en, department_code, severity in CATEGORIES:
        Category.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "default_department": departments[department_code],
                "default_severity": severity,
            },
        )
    ComplaintRules.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0002_complaint_event_append_only"),
        ("accounts", "0003_user_object_permissions"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
