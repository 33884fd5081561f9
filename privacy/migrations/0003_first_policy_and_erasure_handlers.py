"""Publish the first privacy policy, and let legal counsel handle erasure requests."""

import datetime

from django.contrib.auth.management import create_permissions
from django.db import migrations

POLICY_ZH = """隐私政策（第 1 版）

一、我们收集哪些信息
为处理您的投诉、反馈和咨询预约，我们收集：姓名、电子邮箱、手机号码、所学课程与报名记录；在您主动提供时，还包括居民身份证号码、出生日期、家庭住址、身份证明材料，以及投诉和反馈的内容与证据。

二、我们如何保护这些信息
手机号码、居民身份证号码、出生日期、家庭住址、身份证明材料、心理咨询记录均加密保存。只有处理您事务所必需的工作人员可以查阅；每一次查阅都会记录在案，您可以在“我的数据”页面看到谁在何时查阅了您的信息。

三、我们如何使用这些信息
仅用于受理和处理您的投诉与反馈、通知您处理进展、改进教学与服务，以及法律法规要求的用途。未经您单独同意，我们不会把心理咨询记录用于任何其他目的。

四、您的权利
您可以随时下载我们保存的关于您的全部数据，撤回单独同意，或申请注销账户。注销后，您的个人信息将被匿名化处理，仅保留不可识别个人的统计数据。

五、未成年人
未满十四周岁学员的个人信息，由其父母或其他监护人同意后处理。

六、联系我们
对本政策有疑问，可通过平台提交隐私类投诉，法务部门将在规定时限内答复。"""

POLICY_EN = """Privacy policy (version 1)

1. What we collect
To handle your complaints, feedback and counselling appointments we collect your name, e-mail address, mobile number, courses and enrolments; and, when you give them, your resident ID number, date of birth, home address, identity documents, and the content and evidence of your complaints and feedback.

2. How we protect it
Mobile numbers, resident ID numbers, dates of birth, home addresses, identity documents and counselling records are stored encrypted. Only staff who need them to handle your matter can read them; every read is logged, and your "My data" page shows who read your data and when.

3. How we use it
Only to receive and handle your complaints and feedback, to tell you how they progress, to improve teaching and services, and where the law requires it. Counselling records are never used for anything else without your separate consent.

4. Your rights
You can download everything we hold about you at any time, withdraw a separate consent, or ask for your account to be erased. Erasure anonymises your personal data; only statistics that identify no one are kept.

5. Minors
Personal data of learners under 14 is handled with the consent of a parent or guardian.

6. Contact
Questions about this policy can be filed as a privacy complaint on the platform; the legal department answers within the set time."""


def publish_first_policy(apps, schema_editor):
    PolicyVersion = apps.get_model("privacy", "PolicyVersion")
    lookup = {"version": "1"}
    # Run again on today's models (a test's reseeding), the version is the privacy policy's, not the user
    # agreement's of the same number (privacy 0005).
    if any(field.name == "kind" for field in PolicyVersion._meta.get_fields()):
        lookup["kind"] = "privacy_policy"
    PolicyVersion.objects.get_or_create(
        **lookup,
        defaults={
            "effective_at": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
            "text": POLICY_ZH,
            "text_en": POLICY_EN,
            "summary": "首次发布。",
            "summary_en": "First publication.",
        },
    )


def let_legal_handle_erasure(apps, schema_editor):
    privacy_config = apps.get_app_config("privacy")
    privacy_config.models_module = True
    create_permissions(privacy_config, apps=apps, verbosity=0)
    privacy_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    legal, _created = Group.objects.get_or_create(name="legal")
    names = ["carry_out_erasure", "view_erasurerequest", "view_accesslogentry", "view_policyconsent"]
    legal.permissions.add(*Permission.objects.filter(content_type__app_label="privacy", codename__in=names))


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_access_log_append_only"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [
        migrations.RunPython(publish_first_policy, migrations.RunPython.noop),
        migrations.RunPython(let_legal_handle_erasure, migrations.RunPython.noop),
    ]
