"""A benchmark database with 1,000,000 complaints, generated in SQL; shared by the benchmarks in bench/.

It lives in its own database (``lr_bench`` unless BENCH_DATABASE_URL says otherwise), is built once and
reused: run any benchmark and it is created, migrated, seeded with the demo institution, then filled.

Shape of the data: 5,000 learners; complaints filed evenly over the last 365 days across every category,
channel and department that has staff; 70 % finished (closed, withdrawn, rejected), 30 % open in the other
states; severity 80 % general, 15 % important, 5 % major; 10 % urgent; three SLA clocks each on the 24×7
calendar, met or stopped for finished complaints. The SLA benchmark then makes 1 % of the complaints due.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://root@127.0.0.1:5432/lr_bench")
# Share of complaints still open: 30 % for the queue and dashboard; the SLA sweep benchmark wants all open.
OPEN_SHARE = float(os.environ.get("BENCH_OPEN_SHARE", "0.3"))
COMPLAINTS = int(os.environ.get("BENCH_COMPLAINTS", "1000000"))
LEARNERS = 5000
# Benchmark complaints carry references of the year 1999, which no real complaint has.
BENCH_PREFIX = "TS-1999-"


def setup_django() -> None:
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    import django

    django.setup()


def say(message: str) -> None:
    print(message, flush=True)


LEARNERS_SQL = """
INSERT INTO accounts_user (password, is_superuser, email, display_name, mobile, mobile_index, resident_id,
    resident_id_index, date_of_birth, home_address, preferred_language, is_staff, is_active, date_joined)
SELECT '!', false, 'bench-learner-' || n || '@bench.invalid', '学员' || n, '', '', '', '', NULL, '',
    'zh-hans', false, true, now() - interval '400 days'
FROM generate_series(1, %(learners)s) AS n
ON CONFLICT DO NOTHING
"""

COMPLAINTS_SQL = """
WITH learners AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM accounts_user WHERE email LIKE 'bench-learner-%%'
), categories AS (
    SELECT array_agg(c.id ORDER BY c.id) AS ids,
        array_agg(c.default_department_id ORDER BY c.id) AS departments
    FROM complaints_category AS c
), agents AS (
    SELECT array_agg(u.id ORDER BY u.id) AS ids FROM accounts_user AS u
    WHERE u.is_staff AND u.department_id IS NOT NULL
), courses AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM courses_course
), instructors AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM courses_instructor
), texts AS (
    -- Varied Chinese texts, so that a search term matches a realistic share of the complaints (退费 about
    -- one title in eleven and one description in nine; 老师 one in five), never every row or none.
    SELECT ARRAY['要求退费', '老师经常迟到', '课程内容与宣传不符', '教室空调损坏', '退费进度太慢',
                 '成绩评定不公平', '课程时间临时变更', '客服电话无人接听', '教材费用不透明',
                 '网课视频无法播放', '作业批改不及时', '校区卫生状况差', '排课冲突', '助教态度冷淡',
                 '试听承诺未兑现', '班级人数超过约定', '停车收费问题', '证书迟迟未发', '食堂饭菜质量差',
                 '报名信息泄露', '转班申请被拒', '宿舍网络不稳定'] AS titles,
           ARRAY['上个月报名后，', '开课第二周起，', '按照招生简章的说法，', '我的孩子反映，',
                 '多次沟通之后，', '期中考试前，', '家长群里很多人说，'] AS openings,
           ARRAY['任课老师连续三次迟到，', '课程实际内容和宣传的不一样，', '申请退费已经一个月没有回复，',
                 '教室设备坏了没人修，', '老师布置的作业没有批改，', '客服承诺的优惠没有兑现，',
                 '上课时间被临时调整，', '退费金额比合同约定的少，', '线上平台经常卡顿，'] AS details,
           ARRAY['希望尽快处理。', '请给出书面答复。', '要求按合同退还费用。', '希望更换老师。',
                 '请核实后回复。', '希望学校重视。', '请说明处理时限。', '要求赔偿损失。',
                 '希望得到道歉。', '请安排补课。', '请公开处理结果。'] AS asks
), rows AS (
    SELECT n,
        now() - (n::float / %(total)s) * interval '365 days' AS filed,
        (n %% cardinality((SELECT ids FROM categories))) + 1 AS category_slot,
        CASE WHEN (n %% 100) >= %(open_percent)s THEN (ARRAY['closed', 'withdrawn', 'rejected'])[(n %% 3) + 1]
             ELSE (ARRAY['submitted', 'acknowledged', 'investigating', 'awaiting_complainant',
                         'pending_approval', 'responded', 'appealed'])[(n %% 7) + 1] END AS state,
        CASE WHEN n %% 20 = 0 THEN 'major' WHEN n %% 20 < 4 THEN 'important' ELSE 'general' END AS severity
    FROM generate_series(1, %(total)s) AS n
)
INSERT INTO complaints_complaint (reference, channel, severity, is_urgent, legal_flag, safety_flag, title,
    description, state, satisfaction_rating, satisfaction_comment, created_at, acknowledged_at,
    first_responded_at, responded_at, closed_at, category_id, complainant_id, department_id, filed_by_id,
    learner_id, owner_id, subject_course_id, subject_instructor_id)
SELECT
    'TS-1999-' || lpad(rows.n::text, 7, '0'),
    (ARRAY['web', 'app', 'phone', 'email', 'walk_in', 'wechat', 'letter'])[(rows.n %% 7) + 1],
    rows.severity, rows.n %% 10 = 3, false, false,
    (SELECT titles[(rows.n %% cardinality(titles)) + 1] FROM texts) || ' ' || rows.n,
    (SELECT openings[(rows.n / 7 %% cardinality(openings)) + 1]
        || details[(rows.n / 3 %% cardinality(details)) + 1]
        || asks[(rows.n / 11 %% cardinality(asks)) + 1] FROM texts),
    rows.state,
    CASE WHEN rows.state = 'closed' THEN (rows.n %% 5) + 1 END, '', rows.filed,
    CASE WHEN rows.state <> 'submitted' THEN rows.filed + ((rows.n %% 90) || ' minutes')::interval END,
    CASE WHEN rows.state IN ('closed', 'responded', 'appealed', 'pending_approval')
         THEN rows.filed + ((rows.n %% 60) || ' hours')::interval END,
    CASE WHEN rows.state IN ('closed', 'responded', 'appealed')
         THEN rows.filed + ((rows.n %% 9) || ' days')::interval END,
    CASE WHEN rows.state IN ('closed', 'withdrawn', 'rejected')
         THEN rows.filed + ((rows.n %% 12) || ' days')::interval END,
    categories.ids[rows.category_slot],
    learners.ids[(rows.n %% cardinality(learners.ids)) + 1],
    categories.departments[rows.category_slot],
    learners.ids[(rows.n %% cardinality(learners.ids)) + 1],
    learners.ids[(rows.n %% cardinality(learners.ids)) + 1],
    CASE WHEN rows.state <> 'submitted' THEN agents.ids[(rows.n %% cardinality(agents.ids)) + 1] END,
    CASE WHEN rows.n %% 3 = 0 THEN courses.ids[(rows.n / 3 %% cardinality(courses.ids)) + 1] END,
    CASE WHEN rows.n %% 6 = 0 THEN instructors.ids[(rows.n / 6 %% cardinality(instructors.ids)) + 1] END
FROM rows, learners, categories, agents, courses, instructors
"""

CLOCKS_SQL = """
INSERT INTO sla_clock (subject_type_id, subject_id, target, duration, warning_percent, calendar_id,
    started_at, paused_at, paused_for, warn_at, due_at, met_at, cancelled_at, warned_at, breached_at,
    breach_reaches_leadership)
SELECT %(complaint_type)s, c.id, t.target, t.duration, 75, %(calendar)s, c.created_at,
    CASE WHEN c.state = 'awaiting_complainant' AND t.target <> 'acknowledge'
         THEN c.created_at + interval '2 hours' END,
    interval '0',
    c.created_at + t.duration * 0.75 + interval '400 days',
    c.created_at + t.duration + interval '400 days',
    CASE t.target WHEN 'acknowledge' THEN c.acknowledged_at
                  WHEN 'first_response' THEN c.first_responded_at ELSE c.responded_at END,
    CASE WHEN c.state IN ('closed', 'withdrawn', 'rejected') THEN c.closed_at END,
    NULL, NULL, c.severity = 'major'
FROM complaints_complaint AS c
CROSS JOIN (VALUES ('acknowledge', interval '1 hour'), ('first_response', interval '72 hours'),
                   ('resolution', interval '7 days')) AS t(target, duration)
WHERE c.reference LIKE 'TS-1999-%%'
"""


def manager_client():
    """A test client logged in as the benchmark's manager (created once, the privacy policy accepted)."""
    from django.contrib.auth.models import Group
    from django.test import Client

    from accounts.models import User
    from accounts.roles import Role
    from privacy.selectors import policy_version_current
    from privacy.services import policy_accept

    manager, _created = User.objects.get_or_create(
        email="bench-manager@bench.invalid", defaults={"display_name": "基准经理", "is_staff": True}
    )
    manager.groups.add(Group.objects.get(name=Role.MANAGER))
    current = policy_version_current()
    if current is not None and not current.consents.filter(user=manager).exists():
        policy_accept(user=manager, policy_version=current)
    client = Client()
    log_in(client, manager)
    return client


def log_in(client, user) -> None:
    """Log the user in on the test client. Staff also pass the second factor, with a confirmed authenticator
    device of theirs (as if they had typed its code), so the pages timed are the ones staff work in."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    if user.is_staff:
        device, _created = TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "benchmark"}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


# The dashboard's triggers that mark changed days stale (dashboard/migrations/0003).
TRIGGERS = (
    ("complaints_complaint", "dashboard_complaint_written"),
    ("sla_clock", "dashboard_clock_written"),
)


def ensure_database() -> str:
    """Create and migrate the benchmark database (once); its name."""
    import psycopg2
    from django.core.management import call_command

    dbname = BENCH_DATABASE_URL.rsplit("/", 1)[1]
    admin = psycopg2.connect(dbname="postgres", host="127.0.0.1", user="root")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{dbname}"')
    admin.close()
    call_command("migrate", verbosity=0)
    return dbname


def ensure_learners() -> None:
    """The benchmark's learners (bench-learner-N@bench.invalid), once."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(LEARNERS_SQL, {"learners": LEARNERS})


def ensure_million() -> None:
    """Create, migrate and fill the benchmark database unless it is complete already."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    from complaints.models import Complaint
    from sla.models import WorkCalendar

    dbname = ensure_database()
    complete = Complaint.objects.filter(reference__startswith=BENCH_PREFIX).count() >= COMPLAINTS
    if (
        complete
        and Complaint.objects.filter(
            reference__startswith=BENCH_PREFIX, subject_course__isnull=False
        ).exists()
        # Built before the texts were varied (every title the same): the search benchmark needs them.
        and Complaint.objects.filter(
            reference__startswith=BENCH_PREFIX, title__startswith="要求退费"
        ).exists()
    ):
        return
    started = time.perf_counter()
    say(f"Generating {COMPLAINTS:,} complaints in {dbname} (once; a few minutes) …")
    call_command("seed_demo", verbosity=0)
    calendar = WorkCalendar.objects.order_by("pk").first()
    complaint_type = ContentType.objects.get_for_model(Complaint)
    search_index = next(index for index in Complaint._meta.indexes if index.name == "complaint_search_idx")
    with connection.cursor() as cursor:
        for table, trigger in TRIGGERS:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        cursor.execute("DELETE FROM sla_escalation")
        cursor.execute(
            "DELETE FROM sla_clock WHERE subject_type_id = %s AND subject_id IN "
            "(SELECT id FROM complaints_complaint WHERE reference LIKE 'TS-1999-%%')",
            [complaint_type.pk],
        )
        cursor.execute("DELETE FROM complaints_complaint WHERE reference LIKE 'TS-1999-%%'")
        # The search index is built once after the load, far quicker than a million insertions into it.
        cursor.execute(f"DROP INDEX IF EXISTS {search_index.name}")
        cursor.execute(LEARNERS_SQL, {"learners": LEARNERS})
        cursor.execute(COMPLAINTS_SQL, {"total": COMPLAINTS, "open_percent": round(OPEN_SHARE * 100)})
        cursor.execute(CLOCKS_SQL, {"calendar": calendar.pk, "complaint_type": complaint_type.pk})
        for table, trigger in TRIGGERS:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        with connection.schema_editor() as editor:
            editor.add_index(Complaint, search_index)
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("DELETE FROM dashboard_rollupstate")
        cursor.execute("ANALYZE")
    say(f"Generated in {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    setup_django()
    ensure_million()
    say("The benchmark database is ready.")
