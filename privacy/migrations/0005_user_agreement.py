"""Versions of a second document people accept, the user agreement (用户协议), beside the privacy policy;
publish its first version in Chinese and English."""

import datetime

from django.db import migrations, models

AGREEMENT_ZH = """学员用户协议（第 1 版）

本协议用通俗的语言说明您在本平台学习期间享有的权利。您报名课程、提出申请或投诉时，我们按本协议对待您。

一、信息安全
您的个人信息只用于为您提供服务。手机号码、身份证号码等敏感信息加密保存；工作人员每一次查阅都会记录在案，您可以在“我的数据”页面看到谁在何时查阅过，也可以随时下载全部数据或申请注销。详见《隐私政策》。

二、课程质量
课程按招生时公布的内容、课时和授课教师提供。授课教师须具备相应资质。课程内容、课时或教师发生重大变化时，我们会提前告知您；您对课程有意见，可以随时提出反馈。

三、退费
退费按机构公布的退费规则办理，规则写明在什么时间、上了多少课时可以退多少。您在“我的课程”中申请退费时，系统会按规则算出应退金额并逐步列出计算过程，您确认后再提交。工作人员在 3 个工作日内作出决定；拒绝退费必须写明所依据的规则条款。金额较大的退费须经机构领导小组审批。因机构原因（如停课、更换教师未经您同意）造成的退费，不受“已上课时超过三分之一不予退费”的限制。

四、投诉的权利
您对课程、教师、服务、收费或退费的决定不满意，可以随时在平台上投诉。每一件投诉都有编号，有专人负责到底，并在规定时限内答复；对答复不满意，可以申请复议。退费被拒绝时，页面会为您预先填好投诉内容。

五、法律救济
本协议不限制您依法享有的任何权利。协商不成的，您可以向教育主管部门、市场监督管理部门或消费者协会反映，也可以依法申请仲裁或向人民法院起诉。

六、协议的变更
协议修改后，我们会发布新版本并请您重新确认；您在“我的数据”页面可以看到自己确认过的每一个版本。"""

AGREEMENT_EN = """Learner user agreement (version 1)

This agreement states in plain language the rights you have while you learn on this platform. When you enrol in a course, make a request or file a complaint, we treat you by it.

1. Information security
Your personal data is used only to serve you. Sensitive data such as your mobile and resident ID numbers is stored encrypted; every read by a member of staff is logged, and your "My data" page shows who read it and when. You can download all your data or ask for erasure at any time. See the privacy policy.

2. Course quality
Courses are given with the content, lessons and instructors published when you enrolled. Instructors hold the qualifications their teaching needs. We tell you in advance of any major change of content, lessons or instructor; you may give feedback on a course at any time.

3. Refunds
Refunds follow the institution's published refund rules, which say how much is refunded by when and by how many lessons were taken. When you request a refund under "My courses", the system works out the amount the rules give and shows the calculation step by step before you submit. Staff decide within 3 working days; a refusal must name the rule it relies on. Large refunds need the approval of the institution's leadership group. A refund caused by the institution (a cancelled class, an instructor changed without your agreement) is not limited by the rule that gives nothing after a third of the lessons.

4. The right to complain
If you are not satisfied with a course, an instructor, our service, our fees or a refund decision, you may complain on the platform at any time. Every complaint gets a reference number and a named person responsible to the end, and is answered within the set time; if you are not satisfied with the answer, you may appeal. When a refund is refused, the page fills in the complaint for you.

5. Legal remedy
Nothing in this agreement limits any right the law gives you. If we cannot settle a matter together, you may turn to the education authority, the market regulation authority or the consumers' association, or seek arbitration or go to court as the law provides.

6. Changes to this agreement
When the agreement changes we publish a new version and ask you to accept it again; your "My data" page lists every version you accepted."""


def publish_first_agreement(apps, schema_editor):
    PolicyVersion = apps.get_model("privacy", "PolicyVersion")
    PolicyVersion.objects.get_or_create(
        kind="user_agreement",
        version="1",
        defaults={
            "effective_at": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
            "text": AGREEMENT_ZH,
            "text_en": AGREEMENT_EN,
            "summary": "首次发布。",
            "summary_en": "First publication.",
        },
    )


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0004_access_log_kind'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='policyversion',
            options={'ordering': ['kind', '-effective_at'], 'verbose_name': 'document version', 'verbose_name_plural': 'document versions'},
        ),
        migrations.AddField(
            model_name='policyversion',
            name='kind',
            field=models.CharField(choices=[('privacy_policy', 'Privacy policy'), ('user_agreement', 'User agreement')], default='privacy_policy', max_length=20, verbose_name='document'),
        ),
        migrations.AlterField(
            model_name='policyversion',
            name='version',
            field=models.CharField(max_length=20, verbose_name='version'),
        ),
        migrations.AddConstraint(
            model_name='policyversion',
            constraint=models.UniqueConstraint(fields=('kind', 'version'), name='policy_version_once_per_kind'),
        ),
        migrations.AddConstraint(
            model_name='policyversion',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['privacy_policy', 'user_agreement'])), name='policy_version_kind_known'),
        ),
        migrations.RunPython(publish_first_agreement, migrations.RunPython.noop),
    ]
