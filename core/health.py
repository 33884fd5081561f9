"""Health of the parts the site needs: the database, Redis and at least one Celery worker, and the facts
other apps register as its detail (the official calendar's coverage)."""

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
            replies = celery_app.control.ping(timeout=CELERY_PING_TIMEOUT_SECONDS, connection=conn)
    except Exception:
        return DOWN
    return OK if replies else DOWN


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer the state of each part; HTTP 200 only when every part is ok, 503 otherwise."""
    states = {"database": database_state(), "redis": redis_state()}
    # Workers are reached through the broker (Redis): with Redis down no worker can answer.
    states["celery"] = celery_state() if states["redis"] == OK else DOWN
    healthy = all(state == OK for state in states.values())
    body = {"status": OK if healthy else DOWN, **states}
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
