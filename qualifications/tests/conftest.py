import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from accounts.tests.factories import StaffFactory
from complaints.tests.evidence_files import png_image
from core.tests.testapp.apps import MENTOR_LAPSES
from core.tests.testapp.models import Mentor
from qualifications.models import Qualification, QualificationKind, State
from qualifications.services import Transition, qualification_decide, qualification_submit
from ratings.tests.factories import MentorFactory

TODAY = datetime.date(2026, 6, 1)


def scan(name: str = "certificate.png", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_image() if content is None else content, content_type="image/png")


def grant_vetting(user: User) -> User:
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="qualifications", codename="vet_qualification")
    )
    return User.objects.get(pk=user.pk)


def kind(code: str = "licence", *, required: bool = True, expires: bool = True) -> QualificationKind:
    return QualificationKind.objects.create(
        holder_type=ContentType.objects.get_for_model(Mentor),
        code=code,
        name=f"证书{code}",
        name_en=f"Certificate {code}",
        required=required,
        expires=expires,
    )


def submit(mentor, of_kind, *, valid_from=None, valid_until=None, actor=None) -> Qualification:
    return qualification_submit(
        holder=mentor,
        kind=of_kind,
        number="PSY-2026-0001",
        issuer="人力资源和社会保障部",
        level="二级",
        valid_from=valid_from or TODAY - datetime.timedelta(days=365),
        valid_until=valid_until if valid_until is not None else TODAY + datetime.timedelta(days=365),
        scan=scan(),
        actor=actor or mentor.user,
    )


def verified(mentor, of_kind, *, reviewer, **dates) -> Qualification:
    return qualification_decide(
        qualification=submit(mentor, of_kind, **dates), actor=reviewer, transition=Transition.VERIFY
    )


def row(qualification: Qualification) -> dict:
    """Everything stored of the qualification but its scan, to show a refused action changed nothing."""
    return Qualification.objects.defer("scan").values().get(pk=qualification.pk)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 1, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture(autouse=True)
def _lapses():
    MENTOR_LAPSES.clear()
    yield MENTOR_LAPSES
    MENTOR_LAPSES.clear()


@pytest.fixture
def mentor(db):
    return MentorFactory(with_account=True)


@pytest.fixture
def reviewer(db):
    return grant_vetting(StaffFactory())


@pytest.fixture
def licence(db):
    return kind("licence")


__all__ = ["State"]
