"""A person's activities in their data export, and what erasure does to them."""

import pytest

from accounts.tests.factories import LearnerFactory
from activities.models import ActivitySubscription, RegistrationStatus
from activities.personal_data import activity_registrations_section, end_activity_announcements

from .factories import ActivityFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_the_export_holds_my_registrations_and_not_others(learner):
    mine = RegistrationFactory(person=learner)
    RegistrationFactory()
    ActivitySubscription.objects.create(person=learner)
    section = activity_registrations_section(learner)
    assert section["subscribed_to_announcements"] is True
    assert [row["activity"] for row in section["registrations"]] == [mine.activity.title]


def test_erasure_ends_announcements_and_gives_the_place_to_the_first_waiting(learner):
    activity = ActivityFactory(capacity=1)
    held = RegistrationFactory(activity=activity, person=learner)
    waiting = RegistrationFactory(activity=activity, status=RegistrationStatus.WAITLISTED)
    ActivitySubscription.objects.create(person=learner)
    other = LearnerFactory()
    ActivitySubscription.objects.create(person=other)

    end_activity_announcements(learner)

    held.refresh_from_db()
    waiting.refresh_from_db()
    assert held.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.REGISTERED
    assert list(ActivitySubscription.objects.values_list("person_id", flat=True)) == [other.pk]
