"""Factories for counselling: counsellors with weekly hours, verified clients, appointments written
directly."""

import datetime

import factory
from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, UserFactory
from accounts.validators import resident_id_check_character
from core.references import reference_allocate
from counseling.models import (
    REFERENCE_PREFIX,
    Appointment,
    Counsellor,
    IdentityVerification,
    Speciality,
    State,
    WeeklyHours,
)
from privacy.models import Purpose
from privacy.services import purpose_consent_grant


def resident_id_for(born: datetime.date, serial: int = 123) -> str:
    """A valid resident ID number (GB 11643) of someone born on the day."""
    first17 = f"110101{born:%Y%m%d}{serial % 1000:03d}"
    return first17 + resident_id_check_character(first17)


class SpecialityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speciality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"speciality-{n}")
    name = factory.Sequence(lambda n: f"专长{n}")
    name_en = factory.Sequence(lambda n: f"Speciality {n}")


def _weekly_hours(counsellor: Counsellor, create: bool, extracted, **kwargs) -> None:
    """Every day 09:00–17:00 unless ``hours=[(weekday, from, until), …]`` says otherwise (``[]``: none)."""
    if not create:
        return
    hours = (
        extracted
        if extracted is not None
        else [(day, datetime.time(9), datetime.time(17)) for day in range(7)]
    )
    WeeklyHours.objects.bulk_create(
        WeeklyHours(counsellor=counsellor, weekday=day, starts=starts, ends=ends)
        for day, starts, ends in hours
    )


class CounsellorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Counsellor
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, roles=[Role.COUNSELLOR])
    public_name = factory.Sequence(lambda n: f"咨询师{n}")
    languages = factory.LazyFunction(lambda: ["zh"])
    approach = "认知行为疗法"
    session_minutes = 50
    buffer_before_minutes = 0
    buffer_after_minutes = 10
    minimum_notice_hours = 2
    hours = factory.PostGeneration(_weekly_hours)

    @factory.post_generation
    def specialities(self, create, extracted, **kwargs):
        if create and extracted:
            self.specialities.set(extracted)


def verify_client(
    user, *, born: datetime.date | None = None, records_consent: bool = True
) -> IdentityVerification:
    """Give the user a verified identity (an adult unless ``born`` says otherwise) and the records consent."""
    born = born or datetime.date(2000, 1, 1)
    verification = IdentityVerification.objects.create(
        user=user,
        real_name=user.display_name,
        resident_id=resident_id_for(born, user.pk),
        date_of_birth=born,
        mobile=user.mobile or "13912345678",
        verified_at=timezone.now(),
    )
    if records_consent:
        purpose_consent_grant(user=user, purpose=Purpose.COUNSELLING_RECORDS, given_by=user)
    return verification


class ClientFactory(LearnerFactory):
    """A learner who may book: identity verified, consent to the keeping of counselling records given."""

    verified = factory.PostGeneration(lambda user, create, extracted, **kw: create and verify_client(user))


def _reference(_appointment) -> str:
    with transaction.atomic():
        return reference_allocate(prefix=REFERENCE_PREFIX, year=timezone.localdate().year)


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A confirmed appointment written directly (no events, no notices), tomorrow at 10:00 local time."""

    class Meta:
        model = Appointment

    reference = factory.LazyAttribute(_reference)
    counsellor = factory.SubFactory(CounsellorFactory)
    client = factory.SubFactory(ClientFactory)
    state = State.CONFIRMED
    starts_at = factory.LazyFunction(
        lambda: (
            timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
            + datetime.timedelta(days=1)
        )
    )
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + datetime.timedelta(minutes=50))
    blocked_from = factory.LazyAttribute(lambda a: a.starts_at)
    blocked_until = factory.LazyAttribute(lambda a: a.ends_at + datetime.timedelta(minutes=10))
    confirmed_at = factory.LazyFunction(timezone.now)
    hold_expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(minutes=10))
