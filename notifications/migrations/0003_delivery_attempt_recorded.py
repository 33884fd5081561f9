import uuid

import django.contrib.postgres.functions
from django.db import migrations, models


def give_each_notice_its_key(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    for pk in Notification.objects.values_list("pk", flat=True).iterator():
        Notification.objects.filter(pk=pk).update(idempotency_key=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_delivery_and_preferences"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="attempt_started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="attempt started at"),
        ),
        migrations.AddField(
            model_name="notification",
            name="idempotency_key",
            field=models.UUIDField(editable=False, null=True, verbose_name="idempotency key"),
        ),
        migrations.RunPython(give_each_notice_its_key, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="notification",
            name="idempotency_key",
            field=models.UUIDField(
                db_default=django.contrib.postgres.functions.RandomUUID(),
                default=uuid.uuid4,
                editable=False,
                unique=True,
                verbose_name="idempotency key",
            ),
        ),
    ]
