"""Time the public course page and an instructor's evaluation results at 2,000,000 evaluations (goal: each
under 100 ms), beside the trivial page of the same stack.

Run: .venv/bin/python bench/course_ratings.py (builds its database once: BENCH_DATABASE_URL, default
lr_evaluations_bench; BENCH_EVALUATIONS changes the size)

Shape, generated in SQL (generate_series, not the ORM): 10,000 courses of one department, each taught by one
of 2,500 instructors (four courses each), 50,000 learners, four terms; 2,000,000 completed enrolments, each
evaluated once (200 per course, 50 per course and term) with the default questionnaire: the overall rating in
the ratings module (folded into the courses' summaries), six scores (12,000,000 rows) and, for one evaluation
in fifty, a published free-text answer and a published comment. Prints the median of several runs of each
page (anonymous course page; the instructor's results page over their four courses and four terms; the
trivial page) and the plan of the results query.
"""

import os
import statistics
import time

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://root@127.0.0.1:5432/lr_evaluations_bench")
from million import BENCH_DATABASE_URL, log_in, say, setup_django

EVALUATIONS = int(os.environ.get("BENCH_EVALUATIONS", "2000000"))
COURSES = 10_000
INSTRUCTORS = 2_500
LEARNERS = 50_000
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
GOAL_MS = 100

FILL_SQL = """
INSERT INTO courses_course (code, title, description, department_id, price, lesson_count, is_active)
SELECT 'BC-' || lpad(n::text, 5, '0'), '基准课程' || n, '基准课程的介绍。', %(department)s, 1000.00, 20, true
FROM generate_series(0, %(courses)s - 1) AS n;

INSERT INTO courses_instructor (name, title, department_id, is_active)
SELECT '基准讲师' || n, '讲师', %(department)s, true FROM generate_series(0, %(instructors)s - 1) AS n;

INSERT INTO courses_course_instructors (course_id, instructor_id)
SELECT c.id, i.id
FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM courses_course WHERE code LIKE 'BC-%%') AS c
JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM courses_instructor
      WHERE name LIKE '基准讲师%%') AS i ON i.n = c.n / 4;

INSERT INTO accounts_user (password, is_superuser, email, display_name, mobile, mobile_index, resident_id,
    resident_id_index, date_of_birth, home_address, preferred_language, is_staff, is_active, date_joined)
SELECT '!', false, 'bench-course-learner-' || n || '@bench.invalid', '学员' || n, '', '', '', '', NULL, '',
    'zh-hans', false, true, now()
FROM generate_series(0, %(learners)s - 1) AS n;

CREATE TEMP TABLE bench_courses AS
    SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM courses_course WHERE code LIKE 'BC-%%';
CREATE TEMP TABLE bench_learners AS
    SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM accounts_user
    WHERE email LIKE 'bench-course-learner-%%';
CREATE TEMP TABLE bench_terms AS
    SELECT id, row_number() OVER (ORDER BY starts_on) - 1 AS n FROM courses_term WHERE name LIKE '基准学期%%';
CREATE INDEX ON bench_courses (n); CREATE INDEX ON bench_learners (n); CREATE INDEX ON bench_terms (n);

-- Evaluation i: course i / per_course, learner i %% learners, term (i %% per_course) %% 4.
INSERT INTO courses_enrolment (learner_id, course_id, start_date, valid_until, term_id, amount_paid,
    purchased_at, lessons_taken, created_at)
SELECT l.id, c.id, DATE '2025-09-01', DATE '2026-09-01', t.id, 1000.00, now(), 20, now()
FROM generate_series(0, %(evaluations)s - 1) AS g(i)
JOIN bench_courses AS c ON c.n = g.i / %(per_course)s
JOIN bench_learners AS l ON l.n = g.i %% %(learners)s
JOIN bench_terms AS t ON t.n = (g.i %% %(per_course)s) %% 4;

INSERT INTO ratings_rating (subject_type_id, subject_id, source_type_id, source_id, rater_id, score, comment,
    comment_state, moderated_at, moderation_reason, reply, summarised, created_at)
SELECT %(course_type)s, e.course_id, %(enrolment_type)s, e.id, e.learner_id, 1 + (e.id * 7919) %% 5,
    CASE WHEN e.id %% 50 = 0 THEN '基准评语 ' || e.id ELSE '' END,
    CASE WHEN e.id %% 50 = 0 THEN 'published' ELSE 'none' END,
    CASE WHEN e.id %% 50 = 0 THEN now() END, '', '', true, now()
FROM courses_enrolment AS e JOIN bench_courses AS c ON c.id = e.course_id;

INSERT INTO courses_courseevaluation (enrolment_id, course_id, term_id, template_id, rating_id, created_at)
SELECT r.source_id, e.course_id, e.term_id, %(template)s, r.id, r.created_at
FROM ratings_rating AS r JOIN courses_enrolment AS e ON e.id = r.source_id
WHERE r.source_type_id = %(enrolment_type)s AND r.subject_type_id = %(course_type)s;

INSERT INTO courses_evaluationscore (evaluation_id, question_id, score)
SELECT e.id, q.id, 1 + ((e.id + q.position * 31) * 2654435761) %% 5
FROM courses_courseevaluation AS e
JOIN courses_evaluationquestion AS q ON q.template_id = %(template)s AND q.kind = 'likert';

INSERT INTO courses_evaluationtext (evaluation_id, question_id, text, state, moderated_at, moderation_reason,
    created_at)
SELECT e.id, q.id, '基准文字回答 ' || e.id, 'published', now(), '', now()
FROM courses_courseevaluation AS e
JOIN courses_evaluationquestion AS q ON q.template_id = %(template)s AND q.kind = 'text' AND q.position = 7
WHERE e.id %% 50 = 0;

INSERT INTO ratings_ratingsummary (subject_type_id, subject_id, count, total, score_1, score_2, score_3,
    score_4, score_5, refreshed_at)
SELECT subject_type_id, subject_id, count(*), sum(score), count(*) FILTER (WHERE score = 1),
    count(*) FILTER (WHERE score = 2), count(*) FILTER (WHERE score = 3), count(*) FILTER (WHERE score = 4),
    count(*) FILTER (WHERE score = 5), now()
FROM ratings_rating WHERE subject_type_id = %(course_type)s GROUP BY subject_type_id, subject_id;

ANALYZE courses_course; ANALYZE courses_enrolment; ANALYZE ratings_rating; ANALYZE courses_courseevaluation;
ANALYZE courses_evaluationscore; ANALYZE courses_evaluationtext; ANALYZE ratings_ratingsummary;
"""


def ensure_database() -> None:
    import psycopg2

    name = BENCH_DATABASE_URL.rsplit("/", 1)[1]
    connection = psycopg2.connect(BENCH_DATABASE_URL.rsplit("/", 1)[0] + "/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def ensure_evaluations() -> None:
    import datetime

    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from accounts.models import Department
    from courses.evaluations.models import CourseEvaluation, EvaluationTemplate
    from courses.models import Course, Enrolment, Term

    if CourseEvaluation.objects.count() >= EVALUATIONS:
        return
    say(f"generating {COURSES:,} courses and {EVALUATIONS:,} evaluations (once) …")
    started = time.monotonic()
    department = Department.objects.order_by("pk").first()
    for year in (2024, 2025):
        for half, month in enumerate((3, 9)):
            Term.objects.get_or_create(
                name=f"基准学期{year}-{half + 1}",
                defaults={
                    "starts_on": datetime.date(year, month, 1),
                    "ends_on": datetime.date(year, month, 1) + datetime.timedelta(days=140),
                },
            )
    params = {
        "department": department.pk,
        "courses": COURSES,
        "instructors": INSTRUCTORS,
        "learners": LEARNERS,
        "evaluations": EVALUATIONS,
        "per_course": EVALUATIONS // COURSES,
        "course_type": ContentType.objects.get_for_model(Course).pk,
        "enrolment_type": ContentType.objects.get_for_model(Enrolment).pk,
        "template": EvaluationTemplate.objects.get(is_default=True).pk,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(FILL_SQL, params)
    say(f"generated in {time.monotonic() - started:.0f} s")


def instructor_client():
    """A test client logged in as the instructor of the first four benchmark courses."""
    from django.contrib.auth.models import Group
    from django.test import Client

    from accounts.models import User
    from accounts.roles import Role
    from courses.models import Instructor
    from privacy.selectors import policy_version_current
    from privacy.services import policy_accept

    teacher, _created = User.objects.get_or_create(
        email="bench-instructor@bench.invalid", defaults={"display_name": "基准讲师账号"}
    )
    teacher.groups.add(Group.objects.get(name=Role.INSTRUCTOR))
    current = policy_version_current()
    if current is not None and not current.consents.filter(user=teacher).exists():
        policy_accept(user=teacher, policy_version=current)
    instructor = Instructor.objects.filter(name__startswith="基准讲师").order_by("pk").first()
    Instructor.objects.filter(pk=instructor.pk).update(user=teacher)
    client = Client()
    log_in(client, teacher)
    return client, instructor


def median_ms(client, path: str) -> float:
    client.get(path)  # warm the caches and the connection
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times)


def main() -> None:
    ensure_database()
    setup_django()
    ensure_evaluations()
    from django.db import connection
    from django.test import Client

    from courses.evaluations.selectors import _RESULTS_SQL, instructor_course_ids
    from courses.models import Course

    teacher, instructor = instructor_client()
    course = Course.objects.get(code="BC-00000")
    anonymous = Client()
    pages = [
        ("course page (anonymous), rating, comments, change log", anonymous, f"/courses/{course.code}/"),
        ("course page (the instructor)", teacher, f"/courses/{course.code}/"),
        ("instructor's results: 4 courses × 4 terms", teacher, "/courses/my-evaluations/"),
        ("trivial page (bench/trivial, logged in)", teacher, "/bench/trivial/"),
    ]
    say(f"\n{EVALUATIONS:,} evaluations, {COURSES:,} courses; median of {RUNS} runs\n")
    say(f"| page | median ms | under {GOAL_MS} ms |")
    say("|---|---|---|")
    for label, client, path in pages:
        ms = median_ms(client, path)
        say(f"| {label} | {ms:.1f} | {'yes' if ms < GOAL_MS else 'NO'} |")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS) " + _RESULTS_SQL,
            {"courses": instructor_course_ids(instructor), "k": 5},
        )
        say("\nthe results query:\n" + "\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
