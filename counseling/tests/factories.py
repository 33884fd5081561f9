"""Factories for counselling: counsellors with weekly hours, verified clients, appointments written
directly."""

import datetime

import factory
from django.contrib.contenttypes.models import ContentType
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
from qualifications.models import Qualification, QualificationKind


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
    qualified = factory.PostGeneration(
        lambda counsellor, create, extracted, **kw: create and extracted is not False and certify(counsellor)
    )

    @factory.post_generation
    def specialities(self, create, extracted, **kwargs):
        if create and extracted:
            self.specialities.set(extracted)


def certify(counsellor: Counsellor, *, valid_until: datetime.date | None = None) -> Qualification:
    """Give the counsellor a verified, current certificate (written directly, as vetting would leave it)."""
    today = timezone.localdate()
    reviewer = UserFactory()
    return Qualification.objects.create(
        holder_type=ContentType.objects.get_for_model(Counsellor),
        holder_id=counsellor.pk,
        kind=QualificationKind.objects.get(code="counsellor_certificate"),
        number=f"PSY-{counsellor.pk:06d}",
        issuer="中国心理学会",
        valid_from=today - datetime.timedelta(days=365),
        valid_until=valid_until or today + datetime.timedelta(days=730),
        scan=b"scan",
        scan_type="image/png",
        scan_name="certificate.png",
        state="verified",
        submitted_by=counsellor.user,
        reviewed_by=reviewer,
        reviewed_at=timezone.now(),
    )


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
