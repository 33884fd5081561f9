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
