"""Demo counselling: counsellors with verified certificates, specialities and weekly hours; a demo learner who
may book at once (identity verified, consent to the keeping of counselling records given); one confirmed
session ahead and one late cancellation last week recorded as a no-show. Safe to run again.

Only 林咨询师 (``counsellor@demo.edu.cn``) logs in; the two other counsellors are profiles whose accounts have
no password, so the demo's log-ins stay those the accounts app lists.
"""

import datetime
import io

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from PIL import Image

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_add_role
from accounts.validators import resident_id_check_character
from privacy.models import Purpose
from privacy.services import purpose_consent_grant
from qualifications.models import Qualification, QualificationKind, State

from . import services
from .models import Counsellor, IdentityVerification, Speciality, WeeklyHours
from .selectors import counsellor_free_slots

SPECIALITIES = [
    # code, name, English name
    ("anxiety", "焦虑情绪", "Anxiety"),
    ("study_stress", "学业压力", "Study stress"),
    ("relationships", "人际关系", "Relationships"),
    ("family", "家庭关系", "Family"),
    ("career", "职业规划", "Career planning"),
]

EVERY_DAY = [(day, datetime.time(9), datetime.time(18)) for day in range(7)]
WEEKDAYS = [(day, datetime.time(9), datetime.time(17)) for day in range(5)]
EVENINGS = [(day, datetime.time(18), datetime.time(21)) for day in range(5)] + [
    (5, datetime.time(10), datetime.time(16))
]

COUNSELLORS = [
    # account e-mail, public name, specialities, languages, approach, price, weekly hours
    (
        "counsellor@demo.edu.cn",
        "林咨询师",
        ["anxiety", "study_stress"],
        ["zh", "en"],
        "国家二级心理咨询师，擅长认知行为疗法，陪伴学员面对考试焦虑与学业压力。",
        None,
        EVERY_DAY,
    ),
    (
        "zhou.counsellor@counselling.demo.edu.cn",
        "周咨询师",
        ["relationships", "family"],
        ["zh", "yue"],
        "以人本主义取向为主，关注人际关系与家庭沟通，可用普通话或粤语咨询。",
        "120.00",
        WEEKDAYS,
    ),
    (
        "wu.counsellor@counselling.demo.edu.cn",
        "吴咨询师",
        ["career", "study_stress"],
        ["zh"],
        "焦点解决短期咨询，帮助在职学员平衡工作与学习，规划职业方向。",
        None,
        EVENINGS,
    ),
]

CLIENT_EMAIL = "learner@demo.edu.cn"
CLIENT_BORN = datetime.date(2001, 5, 20)


def _scan() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (240, 236, 244)).save(buffer, format="PNG")
    return buffer.getvalue()


def seed_specialities() -> dict[str, Speciality]:
    found = {}
    for position, (code, name, name_en) in enumerate(SPECIALITIES):
        found[code], _created = Speciality.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position}
        )
    return found


def _account(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, None, display_name=name)  # no password: a profile only
    user_add_role(user=user, role=Role.COUNSELLOR)
    return user


def seed_counsellors(specialities: dict[str, Speciality]) -> list[Counsellor]:
    """The counsellors with their hours, each holding a verified, current counsellor's certificate."""
    reviewer = User.objects.get(email="manager@demo.edu.cn")
    kind = QualificationKind.objects.get(
        holder_type=ContentType.objects.get_for_model(Counsellor), code="counsellor_certificate"
    )
    holder_type = ContentType.objects.get_for_model(Counsellor)
    today = timezone.localdate()
    counsellors = []
    for email, name, codes, languages, approach, price, hours in COUNSELLORS:
        user = _account(email, name)
        counsellor, created = Counsellor.objects.update_or_create(
            user=user,
            defaults={"public_name": name, "languages": languages, "approach": approach, "price": price},
        )
        counsellor.specialities.set([specialities[code] for code in codes])
        if created:
            WeeklyHours.objects.bulk_create(
                WeeklyHours(counsellor=counsellor, weekday=day, starts=starts, ends=ends)
                for day, starts, ends in hours
            )
        if not Qualification.objects.filter(holder_type=holder_type, holder_id=counsellor.pk).exists():
            Qualification.objects.create(
                holder_type=holder_type,
                holder_id=counsellor.pk,
                kind=kind,
                number=f"PSY-2020-{counsellor.pk:06d}",
                issuer="中国心理学会",
                level="二级心理咨询师",
                valid_from=today - datetime.timedelta(days=1500),
                valid_until=today + datetime.timedelta(days=900),
                scan=_scan(),
                scan_type="image/png",
                scan_name="心理咨询师证书.png",
                submitted_by=user,
                state=State.VERIFIED,
                reviewed_by=reviewer,
                reviewed_at=timezone.now(),
            )
        counsellors.append(counsellor)
    return counsellors


def _resident_id(born: datetime.date) -> str:
    first17 = f"110101{born:%Y%m%d}042"
    return first17 + resident_id_check_character(first17)


def seed_client() -> User:
    """The demo learner may book at once: identity verified, consent to counselling records given."""
    learner = User.objects.get(email=CLIENT_EMAIL)
    if not IdentityVerification.objects.filter(user=learner).exists():
        IdentityVerification.objects.create(
            user=learner,
            real_name=learner.display_name,
            resident_id=_resident_id(CLIENT_BORN),
            date_of_birth=CLIENT_BORN,
            mobile=learner.mobile or "13900000001",
            verified_at=timezone.now(),
        )
    purpose_consent_grant(user=learner, purpose=Purpose.COUNSELLING_RECORDS, given_by=learner)
    return learner


def seed_appointments(counsellor: Counsellor, client: User) -> None:
    """Through the services: a session confirmed for three days ahead, and one last week that the client
    cancelled four hours before its start, so it stands as a no-show."""
    if client.counselling_appointments.exists():
        return
    local_now = timezone.now().astimezone(counsellor.zone)
    last_week = local_now.replace(hour=8, minute=0, second=0, microsecond=0) - datetime.timedelta(days=6)
    starts = last_week.replace(hour=14)  # one of the counsellor's hourly slots (09:00–18:00 every day)
    held = services.appointment_hold(counsellor=counsellor, starts_at=starts, actor=client, now=last_week)
    services.appointment_confirm(appointment=held, actor=client, now=last_week)
    services.appointment_cancel(
        appointment=held,
        reason="临时要加班，来不及赶到。",
        actor=client,
        now=starts - datetime.timedelta(hours=4),
    )

    day = timezone.localdate() + datetime.timedelta(days=3)
    (slot, *_rest) = counsellor_free_slots(counsellor=counsellor, first=day, last=day)
    ahead = services.appointment_hold(counsellor=counsellor, starts_at=slot.starts_at, actor=client)
    services.appointment_confirm(appointment=ahead, actor=client)


def demo_seed(*, password: str) -> None:
    """Seed this app's demo data (the ``seed_demo`` command calls it); the people come from accounts."""
    counsellors = seed_counsellors(seed_specialities())
    seed_appointments(counsellors[0], seed_client())
