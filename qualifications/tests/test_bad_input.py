"""A qualification for the cross-app bad-input tests to aim their refused decisions at."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.tests.testapp.models import Mentor
from qualifications.models import Qualification, QualificationKind
from qualifications.services import qualification_submit
from ratings.tests.factories import MentorFactory

from .conftest import scan


def a_submitted_qualification() -> Qualification:
    mentor = MentorFactory(with_account=True)
    kind, _created = QualificationKind.objects.get_or_create(
        holder_type=ContentType.objects.get_for_model(Mentor), code="bad-input", defaults={"name": "执业证书"}
    )
    today = timezone.localdate()
    return qualification_submit(
        holder=mentor,
        kind=kind,
        number="BAD-INPUT-1",
        issuer="人社部",
        valid_from=today - datetime.timedelta(days=1),
        valid_until=today + datetime.timedelta(days=365),
        scan=scan(),
        actor=mentor.user,
    )


def test_the_helper_gives_a_submitted_qualification(db):
    assert a_submitted_qualification().state == "submitted"
