"""Make the complaint timeline append-only in the database itself: UPDATE and DELETE are refused."""

from django.db import migrations

FORWARD = """
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

BACKWARD = """
DROP TRIGGER IF EXISTS complaints_event_append_only ON complaints_complaintevent;
DROP FUNCTION IF EXISTS complaints_event_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
