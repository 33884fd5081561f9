"""Keep the complaint timeline append-only through the shared operation (core.operations.AppendOnly).

The trigger 0002 wrote by hand is replaced by the one the operation installs; UPDATE and DELETE stay refused
with the same SQLSTATE, and the table is never without a trigger (both steps run in one transaction).
"""

from django.db import migrations

import core.operations

# The hand-written trigger of 0002, dropped here and put back when this migration is reversed.
HAND_WRITTEN = """
CREATE FUNCTION complaints_event_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'complaint events are append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER complaints_event_append_only
    BEFORE UPDATE OR DELETE ON complaints_complaintevent
    FOR EACH ROW EXECUTE FUNCTION complaints_event_refuse_change();
"""

DROP_HAND_WRITTEN = """
DROP TRIGGER IF EXISTS complaints_event_append_only ON complaints_complaintevent;
DROP FUNCTION IF EXISTS complaints_event_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("complaints", "0010_complaint_rules_refund_ceiling")]

    operations = [
        migrations.RunSQL(DROP_HAND_WRITTEN, HAND_WRITTEN),
        core.operations.AppendOnly(model_name="complaintevent"),
    ]
