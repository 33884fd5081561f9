"""Health of the site, in three answers for three askers.

- ``/healthz/live``: the process answers; no I/O at all (a container's liveness probe).
- ``/healthz/ready``: the database answers (a load balancer sends this host requests); one ``SELECT 1``.
- ``/healthz`` (deep): the database, Redis and at least one Celery worker, the problems other apps register
  (notices waiting too long, a due clock the sweep has not reached), and the facts they register as its detail
  (the official calendar's coverage). The worker ping returns at the first reply instead of waiting out its
  timeout, so a healthy site answers at once; a missing worker makes the deep check fail, never readiness.
"""

from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connection
from django.db.utils import Error as DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app

OK = "ok"
DOWN = "down"
CELERY_PING_TIMEOUT_SECONDS = 1.0


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return DOWN
    return OK


def redis_state() -> str:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        return DOWN
    finally:
        client.close()
    return OK


def celery_state() -> str:
    """Say whether at least one worker answers a broadcast ping through the broker."""
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
            # limit=1: the broadcast returns with the first reply; the timeout only bounds a silent wait.
            replies = celery_app.control.ping(timeout=CELERY_PING_TIMEOUT_SECONDS, connection=conn, limit=1)
    except Exception:
        return DOWN
    return OK if replies else DOWN


@never_cache
@require_GET
def healthz_live(request: HttpRequest) -> JsonResponse:
    """Answer that the process runs; reads nothing."""
    return JsonResponse({"status": OK})


@never_cache
@require_GET
def healthz_ready(request: HttpRequest) -> JsonResponse:
    """Answer whether this host can serve requests: the database answers. HTTP 200 or 503."""
    state = database_state()
    return JsonResponse({"status": state, "database": state}, status=200 if state == OK else 503)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer the state of each part; HTTP 200 only when every part is ok and no app reports a problem."""
    states = {"database": database_state(), "redis": redis_state()}
    # Workers are reached through the broker (Redis): with Redis down no worker can answer.
    states["celery"] = celery_state() if states["redis"] == OK else DOWN
    problems = health_problems() if states["database"] == OK else {}
    healthy = all(state == OK for state in states.values()) and not problems
    body = {"status": OK if healthy else DOWN, **states}
    if problems:
        body["problems"] = problems
    details = health_details()
    if details:
        body["detail"] = details
    return JsonResponse(body, status=200 if healthy else 503)


# Facts the lower apps add to the answer's "detail" without deciding its status (registered from their
# AppConfig.ready: core imports no app).
_DETAILS: dict[str, Callable[[], str]] = {}


def health_detail_register(name: str, describe: Callable[[], str]) -> None:
    """Add a plain-words fact to /healthz's detail, computed at each request."""
    _DETAILS[name] = describe


def health_details() -> dict[str, str]:
    return {name: describe() for name, describe in _DETAILS.items()}


# Problems the lower apps find in their own data (registered from their AppConfig.ready): each returns a
# plain-words description of what is wrong, or None. Any problem makes the deep check fail.
_PROBLEMS: dict[str, Callable[[], str | None]] = {}


def health_problem_register(name: str, find: Callable[[], str | None]) -> None:
    """Add a check of the deep health answer: ``find()`` returns what is wrong, or None."""
    _PROBLEMS[name] = find


def health_problems() -> dict[str, str]:
    found = {}
    for name, find in _PROBLEMS.items():
        problem = find()
        if problem:
            found[name] = problem
    return found
