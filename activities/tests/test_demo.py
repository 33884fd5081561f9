"""The demo's activities: an online talk and an on-site one open for registration, a finished one with its
attendance; seeding again changes nothing."""

import pytest
from django.core.management import call_command

from activities.models import Activity, Kind, Registration, State

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_real_activities_once(capsys):
    call_command("seed_demo")
    first = sorted(Activity.objects.values_list("title", "kind", "state"))
    registrations = Registration.objects.count()
    call_command("seed_demo")

    assert sorted(Activity.objects.values_list("title", "kind", "state")) == first
    assert Registration.objects.count() == registrations
    assert Activity.objects.filter(
        kind=Kind.ONLINE, state=State.PUBLISHED, title__startswith="消费者权益日"
    ).exists()
    assert Activity.objects.filter(
        kind=Kind.ON_SITE, state=State.PUBLISHED, title__startswith="校园权益知识讲座"
    ).exists()
    assert Registration.objects.filter(activity__state=State.FINISHED, attended_at__isnull=False).exists()
