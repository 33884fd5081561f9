"""Two people racing for the last place, each in their own thread and database connection: one gets it, the
other joins the waiting list; never two places where one was left."""

import threading

import pytest
from django.db import connection

from accounts.tests.factories import LearnerFactory
from activities import services
from activities.models import Registration, RegistrationStatus

from .factories import ActivityFactory, RegistrationFactory


@pytest.mark.django_db(transaction=True)
def test_two_registrations_racing_for_the_last_place_get_one_place_and_one_waiting():
    activity = ActivityFactory(capacity=2)
    RegistrationFactory(activity=activity)  # one place left
    racers = [LearnerFactory(), LearnerFactory()]
    start = threading.Barrier(len(racers))
    outcomes: dict[int, str] = {}
    errors: list[BaseException] = []

    def register(person):
        try:
            start.wait(timeout=10)
            outcomes[person.pk] = services.registration_create(activity=activity, actor=person).status
        except BaseException as error:  # reported in the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(person,)) for person in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(outcomes.values()) == [RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED]
    assert Registration.objects.filter(activity=activity, status=RegistrationStatus.REGISTERED).count() == 2


@pytest.mark.django_db(transaction=True)
def test_one_person_registering_twice_at_once_holds_one_registration():
    activity = ActivityFactory(capacity=5)
    person = LearnerFactory()
    start = threading.Barrier(2)
    refused: list[BaseException] = []

    def register():
        try:
            start.wait(timeout=10)
            services.registration_create(activity=activity, actor=person)
        except BaseException as error:
            refused.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [type(error).__name__ for error in refused] == ["AlreadyRegistered"]
    assert Registration.objects.filter(activity=activity, person=person).count() == 1
