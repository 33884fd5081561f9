"""A few canned responses (话术) to start from; staff edit them in the admin."""

from django.db import migrations

CANNED_RESPONSES = [
    (
        "受理确认",
        "您好，您的投诉已收到并由我负责跟进。我们会尽快核实情况，并在承诺时限内给您答复。感谢您的耐心。",
    ),
    (
        "补充材料请求",
        "您好，为了尽快核实情况，请您补充提供相关凭证（如缴费记录、聊天截图或上课记录）。收到后我们将继续处理。",
    ),
    (
        "处理进展告知",
        "您好，您反映的问题我们正在与相关部门核实，目前已取得初步进展。我们会在核实完成后第一时间告知您处理结果。",
    ),
    (
        "致歉与处理结果",
        "您好，经核实，您反映的情况属实，给您带来的不便我们深表歉意。我们已采取以下措施：……如您对处理结果仍有疑问，可在规定期限内申请复议。",
    ),
]


def seed(apps, schema_editor):
    CannedResponse = apps.get_model("complaints", "CannedResponse")
    for title, body in CANNED_RESPONSES:
        CannedResponse.objects.get_or_create(title=title, defaults={"body": body})


class Migration(migrations.Migration):
    dependencies = [("complaints", "0005_canned_response")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
