"""The default evaluation questionnaire (课程评估问卷), and the suggestions' timeline made append-only."""

import core.operations
from django.db import migrations

TEMPLATE = ("课程评估问卷（默认）", "Course evaluation (default)")
QUESTIONS = [
    # kind, Chinese, English, required
    ("likert", "课程内容与介绍和教学目标一致", "The content matched the description and the course's aims", True),
    ("likert", "讲师讲解清楚、易于理解", "The instructor explained clearly", True),
    ("likert", "教材与资料准确、及时更新", "The materials were accurate and up to date", True),
    ("likert", "练习与作业有助于掌握内容", "Exercises and assignments helped me learn", True),
    ("likert", "讲师及时回应学员的问题", "The instructor answered learners' questions in good time", True),
    ("likert", "课程的进度与难度安排合理", "The pace and difficulty were right", True),
    ("text", "这门课程最大的优点是什么？", "What was best about this course?", False),
    ("text", "这门课程最需要改进的是什么？", "What most needs improving?", False),
]


def seed(apps, schema_editor):
    EvaluationTemplate = apps.get_model("courses", "EvaluationTemplate")
    EvaluationQuestion = apps.get_model("courses", "EvaluationQuestion")
    name, name_en = TEMPLATE
    template, created = EvaluationTemplate.objects.get_or_create(
        name=name, defaults={"name_en": name_en, "is_default": True}
    )
    if not created:
        return
    EvaluationQuestion.objects.bulk_create(
        EvaluationQuestion(
            template=template, position=position, kind=kind, text=text, text_en=text_en, required=required
        )
        for position, (kind, text, text_en, required) in enumerate(QUESTIONS, start=1)
    )


class Migration(migrations.Migration):
    dependencies = [("courses", "0006_evaluations_and_suggestions")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        core.operations.AppendOnly("SuggestionEvent"),
    ]
