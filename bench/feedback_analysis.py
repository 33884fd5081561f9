"""Server time of the feedback analysis for a year at 1,000,000 feedback items and 2,000,000 survey answers
(goal: under 500 ms).

Builds its own database (``lr_bench_feedback`` unless BENCH_FEEDBACK_DATABASE_URL says otherwise) once:
migrated, seeded with the demo institution, 200 courses (two teachers each) and 300 teachers, two terms,
then 1,000,000 feedback items received evenly over the last 365 days with their handling-plan clocks,
generated in SQL. Beside them, the two terms' surveys of the surveys app: one term survey per term about all
200 courses, each with 100,000 anonymous responses of ten scored answers (six about the course, two
per-teacher questions about each of its two teachers): 2,000,000 rows of ``surveys_answer``, with the running
sums (``surveys_resulttally``) that ``response_submit`` keeps, built from them in one statement. The analysis
reads the surveys' per-teacher scores through the rating source registered for them, as in production.

Then: the time to store a year of daily facts; the page for this year, rendered through the test client as a
manager (median of five runs after one warm-up), with the handled items' ratings only (the survey source
unregistered) and with the term surveys' scores; the API; and a trivial page (the password-change form) for
comparison.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ["BENCH_DATABASE_URL"] = os.environ.get(
    "BENCH_FEEDBACK_DATABASE_URL", "postgres://root@127.0.0.1:5432/lr_bench_feedback"
)

from million import BENCH_DATABASE_URL, manager_client, say, setup_django

ITEMS = int(os.environ.get("BENCH_FEEDBACK_ITEMS", "1000000"))
SURVEY_ANSWERS = int(os.environ.get("BENCH_SURVEY_ANSWERS", "2000000"))
COURSES, TEACHERS, LEARNERS = 200, 300, 5000
GOAL_MS = 500

LEARNERS_SQL = """
INSERT INTO accounts_user (password, is_superuser, email, display_name, mobile, mobile_index, resident_id,
    resident_id_index, date_of_birth, home_address, preferred_language, is_staff, is_active, date_joined)
SELECT '!', false, 'bench-learner-' || n || '@bench.invalid', '学员' || n, '', '', '', '', NULL, '',
    'zh-hans', false, true, now() - interval '400 days'
FROM generate_series(1, %(learners)s) AS n
ON CONFLICT DO NOTHING
"""

SUBJECTS_SQL = """
INSERT INTO courses_instructor (name, title, is_active, department_id)
SELECT '基准教师' || n, '', true, (SELECT min(id) FROM accounts_department)
FROM generate_series(1, %(teachers)s) AS n;
INSERT INTO courses_course (code, title, description, department_id, price, is_active)
SELECT 'BENCH-' || n, '基准课程' || n, '', (SELECT min(id) FROM accounts_department), 1000, true
FROM generate_series(1, %(courses)s) AS n;
INSERT INTO courses_course_instructors (course_id, instructor_id)
SELECT c.id, t.id
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM courses_course
      WHERE code LIKE 'BENCH-%%') AS c
JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM courses_instructor
      WHERE name LIKE '基准教师%%') AS t
    ON t.n = c.n OR t.n = c.n + 100;
INSERT INTO courses_term (name, starts_on, ends_on) VALUES
    ('基准春季学期', (now() - interval '365 days')::date, (now() - interval '183 days')::date),
    ('基准秋季学期', (now() - interval '182 days')::date, (now() + interval '1 day')::date);
"""

# Items: 70 % finished (closed, rejected, a few converted are left out: they need a complaint), 30 % open;
# 10 % urgent; 60 % rated among the closed; every third names a course, and half of those a teacher.
ITEMS_SQL = """
WITH learners AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM accounts_user WHERE email LIKE 'bench-learner-%%'
), categories AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM feedback_feedbackcategory
), courses AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM courses_course WHERE code LIKE 'BENCH-%%'
), teachers AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM courses_instructor WHERE name LIKE '基准教师%%'
), departments AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM accounts_department
), terms AS (
    SELECT array_agg(id ORDER BY starts_on) AS ids FROM courses_term WHERE name LIKE '基准%%'
), rows AS (
    SELECT n, now() - (n::float / %(total)s) * interval '365 days' AS received,
        CASE WHEN n %% 10 < 5 THEN 'closed' WHEN n %% 10 < 7 THEN 'rejected'
             ELSE (ARRAY['received', 'accepted', 'planned', 'rectifying', 'result_notified'])[(n %% 5) + 1]
        END AS state
    FROM generate_series(1, %(total)s) AS n
)
INSERT INTO feedback_feedbackitem (reference, channel, category_id, course_id, instructor_id, department_id,
    is_urgent, text, learner_id, is_anonymous, follow_key_hash, term_id, state, rejection_reason,
    plan_actions, result, rating, rating_comment, created_at, reviewed_at, planned_at, result_notified_at,
    rated_at, closed_at)
SELECT 'FK-1999-' || lpad(rows.n::text, 7, '0'),
    (ARRAY['online', 'survey', 'paper', 'meeting'])[(rows.n %% 4) + 1],
    categories.ids[(rows.n %% cardinality(categories.ids)) + 1],
    CASE WHEN rows.n %% 3 = 0 THEN courses.ids[(rows.n / 3 %% cardinality(courses.ids)) + 1] END,
    CASE WHEN rows.n %% 6 = 0 THEN teachers.ids[(rows.n / 6 %% cardinality(teachers.ids)) + 1] END,
    departments.ids[(rows.n %% cardinality(departments.ids)) + 1],
    rows.n %% 10 = 3, '基准测试反馈，不含个人信息。',
    learners.ids[(rows.n %% cardinality(learners.ids)) + 1], false, '',
    CASE WHEN rows.received < now() - interval '183 days' THEN terms.ids[1] ELSE terms.ids[2] END,
    rows.state, CASE WHEN rows.state = 'rejected' THEN '基准' ELSE '' END, '', '',
    CASE WHEN rows.state = 'closed' AND rows.n %% 5 < 3 THEN (rows.n %% 5) + (rows.n / 7 %% 3) + 1 END, '',
    rows.received,
    CASE WHEN rows.state <> 'received' THEN rows.received + ((rows.n %% 30) || ' hours')::interval END,
    CASE WHEN rows.state IN ('closed', 'planned', 'rectifying', 'result_notified')
         THEN rows.received + ((rows.n %% 160) || ' hours')::interval END,
    CASE WHEN rows.state IN ('closed', 'result_notified')
         THEN rows.received + ((rows.n %% 20) || ' days')::interval + interval '7 days' END,
    NULL,
    CASE WHEN rows.state IN ('closed', 'rejected')
         THEN rows.received + ((rows.n %% 20) || ' days')::interval + interval '8 days' END
FROM rows, learners, categories, courses, teachers, departments, terms
"""

CLOCKS_SQL = """
INSERT INTO sla_clock (subject_type_id, subject_id, target, duration, warning_percent, calendar_id,
    started_at, paused_at, paused_for, warn_at, due_at, met_at, cancelled_at, warned_at, breached_at,
    breach_reaches_leadership)
SELECT %(item_type)s, i.id, 'first_response', interval '120 hours', 75, %(calendar)s, i.created_at, NULL,
    interval '0', i.created_at + interval '90 hours', i.created_at + interval '120 hours', i.planned_at,
    CASE WHEN i.state = 'rejected' THEN i.closed_at END, NULL, NULL, i.is_urgent
FROM feedback_feedbackitem AS i WHERE i.reference LIKE 'FK-1999-%%'
"""

# Each term's survey: 100,000 responses spread over its 200 courses and 50 classes, submitted over its last
# twenty days, with ten scored answers each (the per-teacher questions once per teacher of the course).
SURVEY_FILL_SQL = """
INSERT INTO surveys_response (id, survey_id, course_id, school_class_id, submitted_on)
SELECT gen_random_uuid(), %(survey)s, (%(courses)s)[1 + n %% cardinality(%(courses)s)],
    (%(classes)s)[1 + n %% cardinality(%(classes)s)], %(closes_on)s::date - (n %% 20)
FROM generate_series(0, %(responses)s - 1) AS n;
INSERT INTO surveys_answer (id, response_id, survey_id, question_id, course_id, instructor_id,
    school_class_id, score, choices, text, review)
SELECT gen_random_uuid(), r.id, r.survey_id, q.id, r.course_id,
    CASE WHEN q.per_instructor THEN teacher.instructor_id END, r.school_class_id,
    1 + floor(random() * 5)::int, '{}', '', ''
FROM surveys_response AS r
JOIN surveys_question AS q ON q.questionnaire_id = %(questionnaire)s
LEFT JOIN LATERAL (
    SELECT instructor_id FROM courses_course_instructors AS ci WHERE ci.course_id = r.course_id
) AS teacher ON q.per_instructor
JOIN LATERAL (SELECT 1 WHERE NOT q.per_instructor OR teacher.instructor_id IS NOT NULL) AS keep ON true
WHERE r.survey_id = %(survey)s
"""

# The running sums response_submit keeps, built here in one go from the generated answers.
SURVEY_TALLY_SQL = """
INSERT INTO surveys_resulttally (survey_id, course_id, instructor_id, school_class_id, responses, score_sum,
    score_count)
SELECT survey_id, course_id, instructor_id, school_class_id, count(DISTINCT response_id), sum(score),
    count(score)
FROM surveys_answer WHERE survey_id = %(survey)s GROUP BY survey_id, course_id, instructor_id, school_class_id
"""


def ensure_surveys() -> None:
    """The two terms' surveys with SURVEY_ANSWERS answers in all (once)."""
    from django.db import connection

    from accounts.models import Department
    from courses.models import Course, SchoolClass, Term
    from surveys.models import Answer, Question, Questionnaire, Survey

    with connection.cursor() as cursor:  # the stand-in tables an earlier version of this benchmark made
        cursor.execute("DROP TABLE IF EXISTS bench_survey_answer, bench_survey_teacher_day")
    if Answer.objects.filter(survey__reference__startswith="WJ-1999-").count() >= SURVEY_ANSWERS:
        return
    started = time.perf_counter()
    department = Department.objects.order_by("pk").first()
    classes = [
        SchoolClass.objects.get_or_create(name=f"基准班{n}", defaults={"department": department})[0].pk
        for n in range(50)
    ]
    courses = list(
        Course.objects.filter(code__startswith="BENCH-").order_by("pk").values_list("pk", flat=True)
    )
    questionnaire = Questionnaire.objects.create(title="基准学期问卷")
    for position in range(8):
        Question.objects.create(
            questionnaire=questionnaire,
            position=position,
            kind="likert",
            text=f"题{position}",
            per_instructor=position >= 6,
        )
    per_survey = SURVEY_ANSWERS // 10 // 2
    for number, term in enumerate(Term.objects.filter(name__startswith="基准").order_by("starts_on"), 1):
        closes_on = min(term.ends_on, datetime.date.today() - datetime.timedelta(days=1))
        survey = Survey.objects.create(
            reference=f"WJ-1999-{number:06d}",
            title=f"{term.name}满意度调查",
            questionnaire=questionnaire,
            term=term,
            opens_on=closes_on - datetime.timedelta(days=20),
            closes_on=closes_on,
            state="open",
        )
        survey.courses.set(courses)
        with connection.cursor() as cursor:
            cursor.execute(
                SURVEY_FILL_SQL,
                {
                    "survey": survey.pk,
                    "courses": courses,
                    "classes": classes,
                    "responses": per_survey,
                    "questionnaire": questionnaire.pk,
                    "closes_on": closes_on,
                },
            )
            cursor.execute(SURVEY_TALLY_SQL, {"survey": survey.pk})
        Survey.objects.filter(pk=survey.pk).update(state="closed")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE surveys_response; ANALYZE surveys_answer; ANALYZE surveys_resulttally")
    answers = Answer.objects.filter(survey__reference__startswith="WJ-1999-").count()
    say(f"Generated {answers:,} survey answers in {time.perf_counter() - started:.0f} s.")


def run_statements(cursor, script: str, params: dict) -> None:
    """Run each statement of the script on its own (the driver binds parameters one statement at a time)."""
    for statement in script.split(";\n"):
        if statement.strip():
            used = {key: value for key, value in params.items() if f"%({key})s" in statement}
            cursor.execute(statement, used)


def ensure_data() -> None:
    import psycopg2
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    from feedback.models import FeedbackItem
    from sla.models import WorkCalendar

    dbname = BENCH_DATABASE_URL.rsplit("/", 1)[1]
    admin = psycopg2.connect(dbname="postgres", host="127.0.0.1", user="root")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{dbname}"')
    admin.close()
    call_command("migrate", verbosity=0)
    if FeedbackItem.objects.filter(reference__startswith="FK-1999-").count() >= ITEMS:
        ensure_surveys()
        return
    started = time.perf_counter()
    say(f"Generating {ITEMS:,} feedback items and {SURVEY_ANSWERS:,} survey answers in {dbname} (once) …")
    call_command("seed_demo", verbosity=0)
    item_type = ContentType.objects.get_for_model(FeedbackItem)
    calendar = WorkCalendar.objects.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sla_clock WHERE subject_type_id = %s", [item_type.pk])
        cursor.execute("DELETE FROM feedback_feedbackitem WHERE reference LIKE 'FK-1999-%%'")
        cursor.execute(LEARNERS_SQL, {"learners": LEARNERS})
        cursor.execute("SELECT count(*) FROM courses_course WHERE code LIKE 'BENCH-%%'")
        if not cursor.fetchone()[0]:
            run_statements(cursor, SUBJECTS_SQL, {"teachers": TEACHERS, "courses": COURSES})
        cursor.execute(ITEMS_SQL, {"total": ITEMS})
        cursor.execute(CLOCKS_SQL, {"item_type": item_type.pk, "calendar": calendar.pk})
        cursor.execute("ANALYZE")
    say(f"Generated in {time.perf_counter() - started:.0f} s.")
    ensure_surveys()


def median_ms(client, url: str, params: dict | None = None) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params or {})
    timings = []
    for _run in range(5):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, params or {})
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return statistics.median(timings) * 1000, len(queries)


def main() -> None:
    setup_django()
    ensure_data()
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone

    from feedback.analysis import sources
    from feedback.analysis.services import feedback_facts_refresh, feedback_facts_refresh_recent

    say(f"load average at the start: {os.getloadavg()}")
    today = timezone.localdate()
    started = time.perf_counter()
    stored = feedback_facts_refresh(first=today - datetime.timedelta(days=366), last=today)
    say(f"store a year of daily facts: {stored.rows:,} rows in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    feedback_facts_refresh_recent()
    say(f"beat refresh of the recent days: {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        for table in ("feedback_feedbackday", "feedback_feedbacksubjectday"):
            cursor.execute(f"ANALYZE {table}")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT instructor_id, SUM(score), count(*) FROM surveys_answer "
            "WHERE instructor_id IS NOT NULL GROUP BY 1"
        )
        cursor.fetchall()
    say(
        f"summing the raw survey answers per teacher once (what the running sums spare the page): "
        f"{(time.perf_counter() - started) * 1000:.0f} ms"
    )

    client = manager_client()
    page = reverse("feedback:analysis")
    # First without the surveys' source (the handled items' ratings only), then as deployed.
    sources.rating_sources.remove(sources.term_survey_ratings)
    year = {"period": "year"}
    results = [("analysis page, this year, handled items' ratings only", *median_ms(client, page, year))]
    sources.rating_source_register(sources.term_survey_ratings)
    rows = [
        ("analysis page, this year, with the term surveys' 2,000,000 answers", page, {"period": "year"}),
        ("analysis API, this year, with the term surveys", reverse("feedback-analysis"), {"period": "year"}),
    ]
    results += [(label, *median_ms(client, url, params)) for label, url, params in rows]
    results.append(("trivial: password change", *median_ms(client, reverse("admin:password_change"))))
    say(f"load average at the end: {os.getloadavg()}")
    trivial = results[-1][1]
    say(f"| page | queries | median ms | × trivial | under {GOAL_MS} ms |")
    say("|---|---|---|---|---|")
    for label, ms, queries in results:
        say(f"| {label} | {queries} | {ms:.0f} | {ms / trivial:.1f} | {'yes' if ms < GOAL_MS else 'NO'} |")


if __name__ == "__main__":
    main()
