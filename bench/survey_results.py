"""Time ``surveys.selectors.survey_results`` over 2,000,000 answers (goal: under 500 ms per grouping).

The results read the running sums (``surveys_resulttally``), kept per course, instructor and class as each
response is stored; the first version grouped the 2,000,000 answers themselves and took 2.9 to 5.3 s.

Run: .venv/bin/python bench/survey_results.py (builds its database once: BENCH_DATABASE_URL, default
lr_bench_surveys)

Shape: one survey of 200 courses taught by 400 instructors (two each), learners in 50 classes; 200,000
responses of ten scored answers each (six about the course, two per-instructor questions about each of its two
instructors), 2,000,000 answers in all. Prints the median of five runs per grouping and the query plan.
"""

import os
import statistics
import time

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://root@127.0.0.1:5432/lr_bench_surveys")

from million import BENCH_DATABASE_URL, say, setup_django

RESPONSES = int(os.environ.get("BENCH_RESPONSES", "200000"))
RUNS = 5

FILL_SQL = """
INSERT INTO surveys_response (id, survey_id, course_id, school_class_id, submitted_on)
SELECT gen_random_uuid(), %(survey)s, (%(courses)s)[1 + n %% 200], (%(classes)s)[1 + n %% 50], current_date
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
JOIN LATERAL (SELECT 1 WHERE NOT q.per_instructor OR teacher.instructor_id IS NOT NULL) AS keep ON true;
ANALYZE surveys_response; ANALYZE surveys_answer;
"""


# The running sums response_submit keeps, built here in one go from the generated answers.
TALLY_SQL = """
INSERT INTO surveys_resulttally (survey_id, course_id, instructor_id, school_class_id, responses, score_sum,
    score_count)
SELECT survey_id, course_id, instructor_id, school_class_id, count(DISTINCT response_id), sum(score),
    count(score)
FROM surveys_answer GROUP BY survey_id, course_id, instructor_id, school_class_id;
ANALYZE surveys_resulttally;
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


def ensure_answers():
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from accounts.models import Department
    from courses.models import Course, Instructor, SchoolClass, Term
    from surveys.models import Answer, Question, Questionnaire, Survey

    survey = Survey.objects.filter(reference="WJ-1999-000001").first()
    if survey is not None and Answer.objects.filter(survey=survey).exists():
        from surveys.models import ResultTally

        if not ResultTally.objects.exists():
            with connection.cursor() as cursor:
                cursor.execute(TALLY_SQL)
        return survey
    say("Building 2,000,000 answers (once)…")
    started = time.monotonic()
    department = Department.objects.get(code="academic_affairs")
    term, _ = Term.objects.get_or_create(
        name="1999年秋季学期", defaults={"starts_on": "1999-09-01", "ends_on": "2000-01-20"}
    )
    instructors = Instructor.objects.bulk_create(
        [Instructor(name=f"基准老师{n}", department=department) for n in range(400)]
    )
    courses = Course.objects.bulk_create(
        [
            Course(code=f"BENCH-{n:03d}", title=f"基准课程{n}", department=department, price=0)
            for n in range(200)
        ]
    )
    for index, course in enumerate(courses):
        course.instructors.set(instructors[2 * index : 2 * index + 2])
    classes = SchoolClass.objects.bulk_create(
        [SchoolClass(name=f"基准班{n}", department=department) for n in range(50)]
    )
    questionnaire = Questionnaire.objects.create(title="基准问卷")
    for position in range(8):
        Question.objects.create(
            questionnaire=questionnaire,
            position=position,
            kind="likert",
            text=f"题{position}",
            per_instructor=position >= 6,
        )
    survey = Survey.objects.create(
        reference="WJ-1999-000001",
        title="基准",
        questionnaire=questionnaire,
        term=term,
        opens_on="1999-12-01",
        closes_on="1999-12-20",
        state="open",
    )
    survey.courses.set(courses)
    with connection.cursor() as cursor:
        cursor.execute(
            FILL_SQL,
            {
                "survey": survey.pk,
                "courses": [c.pk for c in courses],
                "classes": [c.pk for c in classes],
                "responses": RESPONSES,
                "questionnaire": questionnaire.pk,
            },
        )
        cursor.execute(TALLY_SQL)
    say(
        f"  built in {time.monotonic() - started:.0f} s: "
        f"{Answer.objects.filter(survey=survey).count():,} answers"
    )
    return survey


def main() -> None:
    setup_django()
    ensure_answers_survey = ensure_answers()
    from django.db import connection

    from surveys.selectors import survey_results

    for by in ("course", "instructor", "school_class"):
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            rows = survey_results(surveys=[ensure_answers_survey.pk], by=by)
            times.append((time.perf_counter() - started) * 1000)
        say(
            f"survey_results(by={by!r}): {len(rows)} groups, median {statistics.median(times):.0f} ms "
            f"(min {min(times):.0f}, max {max(times):.0f})"
        )
    from django.db.models import Q, Sum

    from surveys.models import ResultTally

    query = (
        ResultTally.objects.filter(survey=ensure_answers_survey.pk)
        .values("survey_id", "survey__min_group_size", "course_id")
        .annotate(responses=Sum("responses", filter=Q(instructor__isnull=True)), total=Sum("score_sum"))
        .order_by("survey_id", "course_id")
    )
    say(query.explain(analyze=True))
    connection.close()


if __name__ == "__main__":
    ensure_database()
    main()
