"""The activities' timeline is append-only: the database refuses every change or deletion of its rows."""

from django.db import migrations

import core.operations


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]

    operations = [core.operations.AppendOnly("ActivityEvent")]
