from django.db import migrations

import core.operations


class Migration(migrations.Migration):
    dependencies = [("counseling", "0001_initial")]

    operations = [core.operations.AppendOnly(model_name="appointmentevent")]
