"""Mark the days whose daily figures a change makes stale, in the database itself.

Every insert, delete or relevant update of a complaint, an SLA clock or an appeal writes the moments whose
local days it touches (the complaint's filing, its old and new closing) to dashboard_rollupinvalidation, in
the same transaction as the change, whatever wrote it: a service, the admin, a bulk update or raw SQL. The
dashboard computes those days live until the next refresh recomputes them. Updates that change nothing the
figures read (the sweep marking a clock warned or breached, an owner or a title changing) do not fire.

Derived data kept fresh this way is not workflow: no service's behaviour depends on these triggers.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION dashboard_invalidate_complaint() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO dashboard_rollupinvalidation (at)
        SELECT moment FROM unnest(ARRAY[OLD.created_at, OLD.closed_at]) AS moment WHERE moment IS NOT NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO dashboard_rollupinvalidation (at)
        SELECT moment FROM unnest(ARRAY[NEW.created_at, NEW.closed_at]) AS moment WHERE moment IS NOT NULL;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER dashboard_complaint_written
    AFTER INSERT OR DELETE ON complaints_complaint
    FOR EACH ROW EXECUTE FUNCTION dashboard_invalidate_complaint();

CREATE TRIGGER dashboard_complaint_changed
    AFTER UPDATE ON complaints_complaint
    FOR EACH ROW
    WHEN ((OLD.created_at, OLD.closed_at, OLD.state, OLD.department_id, OLD.category_id, OLD.channel,
           OLD.severity, OLD.is_urgent, OLD.satisfaction_rating, OLD.first_responded_at,
           OLD.acknowledged_at, OLD.responded_at, OLD.subject_course_id, OLD.subject_instructor_id)
          IS DISTINCT FROM
          (NEW.created_at, NEW.closed_at, NEW.state, NEW.department_id, NEW.category_id, NEW.channel,
           NEW.severity, NEW.is_urgent, NEW.satisfaction_rating, NEW.first_responded_at,
           NEW.acknowledged_at, NEW.responded_at, NEW.subject_course_id, NEW.subject_instructor_id))
    EXECUTE FUNCTION dashboard_invalidate_complaint();

-- Clocks and appeals: the day their complaint was filed.
CREATE FUNCTION dashboard_invalidate_through_complaint() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO dashboard_rollupinvalidation (at)
        SELECT created_at FROM complaints_complaint WHERE id = OLD.complaint_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.complaint_id <> OLD.complaint_id) THEN
        INSERT INTO dashboard_rollupinvalidation (at)
        SELECT created_at FROM complaints_complaint WHERE id = NEW.complaint_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER dashboard_clock_written
    AFTER INSERT OR DELETE ON sla_clock
    FOR EACH ROW EXECUTE FUNCTION dashboard_invalidate_through_complaint();

CREATE TRIGGER dashboard_clock_changed
    AFTER UPDATE ON sla_clock
    FOR EACH ROW
    WHEN ((OLD.complaint_id, OLD.target, OLD.started_at, OLD.due_at, OLD.met_at, OLD.cancelled_at,
           OLD.paused_at)
          IS DISTINCT FROM
          (NEW.complaint_id, NEW.target, NEW.started_at, NEW.due_at, NEW.met_at, NEW.cancelled_at,
           NEW.paused_at))
    EXECUTE FUNCTION dashboard_invalidate_through_complaint();

CREATE TRIGGER dashboard_appeal_written
    AFTER INSERT OR DELETE ON complaints_appeal
    FOR EACH ROW EXECUTE FUNCTION dashboard_invalidate_through_complaint();

CREATE TRIGGER dashboard_appeal_changed
    AFTER UPDATE ON complaints_appeal
    FOR EACH ROW
    WHEN ((OLD.complaint_id, OLD.decision) IS DISTINCT FROM (NEW.complaint_id, NEW.decision))
    EXECUTE FUNCTION dashboard_invalidate_through_complaint();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS dashboard_appeal_changed ON complaints_appeal;
DROP TRIGGER IF EXISTS dashboard_appeal_written ON complaints_appeal;
DROP TRIGGER IF EXISTS dashboard_clock_changed ON sla_clock;
DROP TRIGGER IF EXISTS dashboard_clock_written ON sla_clock;
DROP FUNCTION IF EXISTS dashboard_invalidate_through_complaint();
DROP TRIGGER IF EXISTS dashboard_complaint_changed ON complaints_complaint;
DROP TRIGGER IF EXISTS dashboard_complaint_written ON complaints_complaint;
DROP FUNCTION IF EXISTS dashboard_invalidate_complaint();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0002_daily_figures"),
        ("complaints", "0007_closed_at_index"),
        ("sla", "0002_default_policies"),
    ]
    # Written against the clocks' complaint column, which sla 0003 replaces (dashboard 0004 follows it).
    run_before = [("sla", "0003_clock_subjects")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
