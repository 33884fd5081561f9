"""The stored daily facts of feedback: per received day and its category, channel, department and term, and
per received day, course and instructor (see ``feedback.analysis.facts``). Derived data, rebuilt at will.

The ids name their rows without foreign keys: facts are not a record of their own (a refresh rewrites them),
and tables Django does not know must not hold keys to its tables, or the tests' flush cannot empty those."""

from django.db import migrations

FACTS = """
received integer NOT NULL DEFAULT 0,
accepted integer NOT NULL DEFAULT 0,
rejected integer NOT NULL DEFAULT 0,
converted integer NOT NULL DEFAULT 0,
result_notified integer NOT NULL DEFAULT 0,
rated integer NOT NULL DEFAULT 0,
rating_sum integer NOT NULL DEFAULT 0,
satisfied integer NOT NULL DEFAULT 0,
negative integer NOT NULL DEFAULT 0,
planned integer NOT NULL DEFAULT 0,
plan_seconds bigint NOT NULL DEFAULT 0,
handling_seconds bigint NOT NULL DEFAULT 0,
plan_on_time integer NOT NULL DEFAULT 0,
plan_decided integer NOT NULL DEFAULT 0,
refreshed_at timestamptz NOT NULL
"""

CREATE = f"""
CREATE TABLE feedback_feedbackday (
    id bigserial PRIMARY KEY,
    day date NOT NULL,
    category_id bigint NOT NULL,
    channel varchar(10) NOT NULL,
    department_id bigint NULL,
    term_id bigint NULL,
    {FACTS}
);
CREATE UNIQUE INDEX feedback_day_once
    ON feedback_feedbackday (day, category_id, channel, department_id, term_id) NULLS NOT DISTINCT;
CREATE TABLE feedback_feedbacksubjectday (
    id bigserial PRIMARY KEY,
    day date NOT NULL,
    course_id bigint NULL,
    instructor_id bigint NULL,
    {FACTS}
);
CREATE UNIQUE INDEX feedback_subject_day_once ON feedback_feedbacksubjectday (day, course_id, instructor_id)
    NULLS NOT DISTINCT;
"""

DROP = "DROP TABLE feedback_feedbacksubjectday; DROP TABLE feedback_feedbackday;"


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0004_survey_answer_source"),
        ("accounts", "0001_initial"),
        ("courses", "0003_terms_and_classes"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
