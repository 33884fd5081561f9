"""The Celery application: broker and results on Redis, tasks found in every installed app.

Tasks run in four queues, so that a long report or a burst of notices never holds up a clock:

- ``sla``: the sweeps that keep deadlines (SLA escalation, auto-close, counselling, surveys, qualifications,
  review reminders, activity reminders): short, every minute or hour, the first to need a free worker;
- ``notices``: delivery of the outbox (e-mail, SMS): many, each quick, slowed only by a provider;
- ``reports``: the period report, the daily facts, imports and rating summaries: long, never urgent;
- ``default``: the rest.

Every task has a soft time limit (the task gets ``SoftTimeLimitExceeded`` and its transaction rolls back)
and a hard one (the worker process is replaced), by its queue. ``scripts/run``'s one worker consumes
every queue; Procfile.production runs a worker per kind of queue. Beat keeps its schedule and a lock in Redis
(celery-redbeat): a stand-by beat waits on the lock and takes over within ``REDBEAT_LOCK_TIMEOUT`` seconds
of the active one's death; each sweep is safe to run twice in any case.
"""

from fnmatch import fnmatchcase

from celery import Celery
from celery.schedules import crontab

from config.entry import settings_module_default

settings_module_default()

app = Celery("learner_rights")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

DEFAULT_QUEUE = "default"
# Task name patterns per queue; the first queue whose pattern matches takes the task.
QUEUE_ROUTES: dict[str, tuple[str, ...]] = {
    "sla": (
        "sla.tasks.*",
        "complaints.tasks.*",
        "counseling.tasks.*",
        "surveys.tasks.*",
        "qualifications.*",
        "reviews.tasks.*",
        "activities.tasks.*",
    ),
    "notices": ("notifications.tasks.*",),
    "reports": ("dashboard.tasks.*", "feedback.tasks.*", "ratings.*"),
}
QUEUES = (DEFAULT_QUEUE, *QUEUE_ROUTES)
# (soft, hard) limits in seconds per queue: a sweep that runs past a minute is stuck, not busy.
QUEUE_TIME_LIMITS: dict[str, tuple[int, int]] = {
    "sla": (240, 300),
    "notices": (60, 90),
    "reports": (1800, 1900),
    DEFAULT_QUEUE: (300, 360),
}


def queue_for(task_name: str) -> str:
    """The queue a task runs in, by its name."""
    for queue, patterns in QUEUE_ROUTES.items():
        if any(fnmatchcase(task_name, pattern) for pattern in patterns):
            return queue
    return DEFAULT_QUEUE


def route_task(name, args, kwargs, options, task=None, **kw):
    return {"queue": queue_for(name)}


class QueueTimeLimits:
    """Task annotations: each task's soft and hard time limits are its queue's."""

    def annotate(self, task):
        soft, hard = QUEUE_TIME_LIMITS[queue_for(task.name)]
        return {"soft_time_limit": soft, "time_limit": hard}


app.conf.task_default_queue = DEFAULT_QUEUE
app.conf.task_routes = (route_task,)
app.conf.task_annotations = (QueueTimeLimits(),)

app.conf.beat_schedule = {
    "sla-sweep": {"task": "sla.tasks.sla_sweep_task", "schedule": 60.0},
    "auto-close-responded-complaints": {
        "task": "complaints.tasks.auto_close_responded_task",
        "schedule": crontab(minute="*/10"),
    },
    # Keeps the dashboard's stored daily facts close to now, so its live part stays small.
    "dashboard-rollup-refresh": {
        "task": "dashboard.tasks.rollup_refresh_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Reminds managers and the leadership group of reviews due soon or overdue; once per due date and level.
    "review-reminders": {
        "task": "reviews.tasks.review_reminders_task",
        "schedule": crontab(hour=8, minute=5),
    },
    # Opens term surveys on their day, reminds those who have not answered (two days before closing and on
    # the last day, once each), closes finished ones. Hourly: a reminder waits an hour at most.
    "surveys-sweep": {
        "task": "surveys.tasks.surveys_sweep_task",
        "schedule": crontab(minute=5),
        "options": {"expires": 3000},
    },
    # The feedback analysis's stored daily facts: the recent days often, the last year nightly.
    "feedback-facts-refresh": {
        "task": "feedback.tasks.feedback_facts_refresh_task",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 600},
    },
    "feedback-facts-refresh-year": {
        "task": "feedback.tasks.feedback_facts_refresh_year_task",
        "schedule": crontab(hour=3, minute=41),
    },
    # Folds new ratings into the published summaries, several at a time per subject.
    "ratings-refresh": {
        "task": "ratings.refresh",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 600},
    },
    # Counselling's timers: holds that ran out expire, reminders 24 h and 1 h before, missed sessions.
    "counselling-sweep": {
        "task": "counseling.tasks.counselling_sweep_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Acts on qualifications whose validity ended, then reminds holders and reviewers 90, 60 and 30 days
    # before one lapses (once each). Hourly: a lapse is acted on within the hour, reminders go once a day.
    "qualifications-sweep": {
        "task": "qualifications.sweep",
        "schedule": crontab(minute=23),
        "options": {"expires": 3000},
    },
    # Reminds the registered of activities starting within a day, once each. Hourly: a reminder goes out
    # 23 to 24 hours before the start (at the next run for a registration made later).
    "activity-reminders": {
        "task": "activities.tasks.activity_reminders_task",
        "schedule": crontab(minute=35),
        "options": {"expires": 3000},
    },
    # Deletes the chat transcripts past their retention (LIVECHAT_TRANSCRIPT_RETENTION_DAYS).
    "chat-transcripts-purge": {
        "task": "livechat.tasks.chat_transcripts_purge_task",
        "schedule": crontab(hour=3, minute=29),
    },
    "clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
    # Sends what the immediate delivery task did not: lost tasks, retries whose backoff has passed.
    "deliver-pending-notifications": {
        "task": "notifications.tasks.deliver_pending_notifications",
        "schedule": 60.0,
        # A sweep still queued when the next is due is dropped, so a backlog does not pile up sweeps.
        "options": {"expires": 55},
    },
}
