"""A partial index on running clocks' due times, along which the staff queue reads its default order.

The clocks' own indexes cover the sweep (not yet warned or breached) and one complaint's clocks; the queue
needs every running clock by due time, breached or not. It is created in SQL so that the clock model's
migrations stay the SLA app's own.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_seed_departments_and_categories"),
        ("sla", "0002_default_policies"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS clock_running_due_idx ON sla_clock (due_at, id) "
            "WHERE met_at IS NULL AND cancelled_at IS NULL AND paused_at IS NULL",
            "DROP INDEX IF EXISTS clock_running_due_idx",
        ),
    ]
