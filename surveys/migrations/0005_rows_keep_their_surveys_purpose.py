"""The database's own guard that a row has its survey's shape: each invitation, response and answer copies its
survey's purpose, and a foreign key on (survey, purpose) to the survey's (id, purpose) keeps the copy true.
With the rows' CHECK constraints (a term survey's rows name a course, an opinion survey's none), a row of the
other purpose's shape is refused, and a survey's purpose cannot change once anyone is invited."""

from django.db import migrations

TABLES = ("surveys_invitation", "surveys_response", "surveys_answer")

ADD = "\n".join(
    f"ALTER TABLE {table} ADD CONSTRAINT {table}_survey_purpose_fk FOREIGN KEY (survey_id, purpose) "
    "REFERENCES surveys_survey (id, purpose);"
    for table in TABLES
)
DROP = "\n".join(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_survey_purpose_fk;" for table in TABLES)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0004_opinion_surveys")]

    operations = [migrations.RunSQL(ADD, DROP)]
