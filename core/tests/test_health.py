import pytest
from django.test import override_settings
from django.urls import reverse

# A port where nothing listens stands in for a Redis that is down.
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@pytest.mark.django_db(transaction=True)
def test_healthz_is_ok_when_database_redis_and_a_worker_answer(client, celery_worker_thread):
    response = client.get(reverse("healthz"))
    body = response.json()
    assert body.pop("detail").keys() == {"official_calendar"}  # facts, not states
    assert body == {"status": "ok", "database": "ok", "redis": "ok", "celery": "ok"}
    assert response.status_code == 200


@pytest.mark.django_db
def test_healthz_says_the_worker_is_down_when_none_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body.pop("detail").keys() == {"official_calendar"}  # facts, not states
    assert body == {"status": "down", "database": "ok", "redis": "ok", "celery": "down"}


@pytest.mark.django_db
def test_healthz_says_redis_is_down_with_503(client):
    with override_settings(REDIS_URL=UNREACHABLE_REDIS):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["redis"] == "down"
    assert body["database"] == "ok"
    assert body["celery"] == "down"
    assert body["status"] == "down"


@pytest.mark.django_db
def test_healthz_is_never_cached_and_only_answers_get(client):
    response = client.get(reverse("healthz"))
    assert "no-cache" in response["Cache-Control"]
    assert client.post(reverse("healthz")).status_code == 405


@pytest.mark.django_db
def test_liveness_reads_nothing_and_readiness_asks_only_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        live = client.get(reverse("healthz-live"))
    with django_assert_num_queries(1):
        ready = client.get(reverse("healthz-ready"))
    with override_settings(REDIS_URL=UNREACHABLE_REDIS):
        ready_without_redis = client.get(reverse("healthz-ready"))

    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    assert (ready.status_code, ready.json()) == (200, {"status": "ok", "database": "ok"})
    # No worker and no Redis here: the deep check fails, readiness does not.
    assert ready_without_redis.status_code == 200
    assert "no-cache" in live["Cache-Control"] and "no-cache" in ready["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_the_deep_check_fails_when_a_due_clock_is_not_swept_or_notices_wait(client, celery_worker_thread):
    import datetime

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from accounts.tests.factories import LearnerFactory
    from core.tests.testapp.models import Parcel
    from notifications.models import Notification
    from sla.models import Clock
    from sla.tests.factories import WorkCalendarFactory

    healthy = client.get(reverse("healthz"))
    assert healthy.status_code == 200 and "problems" not in healthy.json()

    # A clock of the tests' own subject, due 20 minutes ago and never swept; a notice an hour overdue.
    now = timezone.now()
    Clock.objects.create(
        subject_type=ContentType.objects.get_for_model(Parcel),
        subject_id=Parcel.objects.create().pk,
        target="acknowledge",
        duration=datetime.timedelta(hours=1),
        warning_percent=75,
        calendar=WorkCalendarFactory(),
        started_at=now - datetime.timedelta(minutes=80),
        warn_at=now - datetime.timedelta(minutes=35),
        due_at=now - datetime.timedelta(minutes=20),
    )
    Notification.objects.create(
        recipient=LearnerFactory(),
        channel="email",
        kind="parcel_update",
        context={"reference": "P-1"},
        next_attempt_at=timezone.now() - datetime.timedelta(hours=1),
    )

    late = client.get(reverse("healthz"))

    assert late.status_code == 503
    assert set(late.json()["problems"]) == {"sla_sweep", "outbox"}
    assert late.json()["database"] == late.json()["redis"] == late.json()["celery"] == "ok"
