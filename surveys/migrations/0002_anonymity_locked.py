"""The database's own guard: a survey with answers cannot have its anonymity switched off."""

from django.db import migrations

LOCK = """
CREATE FUNCTION surveys_anonymity_locked() RETURNS trigger AS $$
BEGIN
    IF OLD.is_anonymous AND NOT NEW.is_anonymous
        AND EXISTS (SELECT 1 FROM surveys_response WHERE survey_id = OLD.id) THEN
        RAISE EXCEPTION 'survey %: anonymity cannot be switched off once the first answer is in', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER surveys_anonymity_locked BEFORE UPDATE OF is_anonymous ON surveys_survey
    FOR EACH ROW EXECUTE FUNCTION surveys_anonymity_locked();
"""

UNLOCK = """
DROP TRIGGER IF EXISTS surveys_anonymity_locked ON surveys_survey;
DROP FUNCTION IF EXISTS surveys_anonymity_locked();
"""


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunSQL(LOCK, UNLOCK)]
