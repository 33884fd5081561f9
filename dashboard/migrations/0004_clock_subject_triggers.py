"""Clocks point at their subject by content type and id now (sla 0003): mark the filing day of the complaint
behind a complaint's clock stale as before, and ignore the clocks of other subjects."""

from django.db import migrations

FORWARD = """
DROP TRIGGER IF EXISTS dashboard_clock_changed ON sla_clock;
DROP TRIGGER IF EXISTS dashboard_clock_written ON sla_clock;

CREATE FUNCTION dashboard_invalidate_through_clock() RETURNS trigger AS $$
DECLARE
    complaint_type integer := (
        SELECT id FROM django_content_type WHERE app_label = 'complaints' AND model = 'complaint'
    );
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.subject_type_id = complaint_type THEN
        INSERT INTO dashboard_rollupinvalidation (at)
        SELECT created_at FROM complaints_complaint WHERE id = OLD.subject_id;
    END IF;
    IF NEW.subject_type_id = complaint_type AND (TG_OP = 'INSERT' OR (TG_OP = 'UPDATE'
            AND (NEW.subject_type_id, NEW.subject_id) IS DISTINCT FROM (OLD.subject_type_id, OLD.subject_id))) THEN
        INSERT INTO dashboard_rollupinvalidation (at)
        SELECT created_at FROM complaints_complaint WHERE id = NEW.subject_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER dashboard_clock_written
    AFTER INSERT OR DELETE ON sla_clock
    FOR EACH ROW EXECUTE FUNCTION dashboard_invalidate_through_clock();

CREATE TRIGGER dashboard_clock_changed
    AFTER UPDATE ON sla_clock
    FOR EACH ROW
    WHEN ((OLD.subject_type_id, OLD.subject_id, OLD.target, OLD.started_at, OLD.due_at, OLD.met_at,
           OLD.cancelled_at, OLD.paused_at)
          IS DISTINCT FROM
          (NEW.subject_type_id, NEW.subject_id, NEW.target, NEW.started_at, NEW.due_at, NEW.met_at,
           NEW.cancelled_at, NEW.paused_at))
    EXECUTE FUNCTION dashboard_invalidate_through_clock();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS dashboard_clock_changed ON sla_clock;
DROP TRIGGER IF EXISTS dashboard_clock_written ON sla_clock;
DROP FUNCTION IF EXISTS dashboard_invalidate_through_clock();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0003_rollup_invalidation_triggers"),
        ("sla", "0003_clock_subjects"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
