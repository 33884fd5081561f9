"""Who is qualified today: the one rule every domain's bookable and assignable lists go through."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.tests.testapp.models import Mentor
from qualifications.errors import NotAHolder
from qualifications.selectors import qualified, qualified_ids, unqualified
from qualifications.services import Transition, qualification_decide
from ratings.tests.factories import MentorFactory

from .conftest import TODAY, kind, submit, verified

pytestmark = pytest.mark.django_db


def _kept(*mentors, on=None) -> set[int]:
    return set(
        qualified(Mentor.objects.filter(pk__in=[m.pk for m in mentors]), on=on).values_list("pk", flat=True)
    )


def test_a_verified_current_certificate_qualifies(mentor, reviewer, licence):
    verified(mentor, licence, reviewer=reviewer)

    assert _kept(mentor) == {mentor.pk}


@pytest.mark.parametrize(
    "valid_from, valid_until, decision",
    [
        pytest.param(
            TODAY - datetime.timedelta(days=10), TODAY + datetime.timedelta(days=10), None, id="not vetted"
        ),
        pytest.param(
            TODAY + datetime.timedelta(days=1),
            TODAY + datetime.timedelta(days=10),
            Transition.VERIFY,
            id="not yet valid",
        ),
        pytest.param(
            TODAY - datetime.timedelta(days=10),
            TODAY + datetime.timedelta(days=10),
            Transition.REJECT,
            id="rejected",
        ),
    ],
)
def test_what_does_not_qualify(mentor, reviewer, licence, valid_from, valid_until, decision):
    qualification = submit(mentor, licence, valid_from=valid_from, valid_until=valid_until)
    if decision is not None:
        qualification_decide(qualification=qualification, actor=reviewer, transition=decision, reason="假证")

    assert _kept(mentor) == set()


def test_the_day_after_the_last_valid_day_the_holder_is_out_at_once(mentor, reviewer, licence, time_machine):
    verified(mentor, licence, reviewer=reviewer, valid_until=TODAY + datetime.timedelta(days=3))

    assert _kept(mentor, on=TODAY + datetime.timedelta(days=3)) == {mentor.pk}
    assert _kept(mentor, on=TODAY + datetime.timedelta(days=4)) == set()
    time_machine.move_to(datetime.datetime(2026, 6, 4, 16, 30, tzinfo=datetime.UTC))  # 6-05 00:30 in Shanghai
    assert _kept(mentor) == set()  # no sweep has run: the query alone hides them


def test_a_suspension_takes_the_holder_out_at_once(mentor, reviewer, licence):
    qualification = verified(mentor, licence, reviewer=reviewer)

    qualification_decide(
        qualification=qualification, actor=reviewer, transition=Transition.SUSPEND, reason="投诉"
    )

    assert _kept(mentor) == set()


def test_every_required_kind_is_needed_and_optional_kinds_are_not(mentor, reviewer, licence):
    registration = kind("registration")
    kind("degree", required=False, expires=False)
    verified(mentor, licence, reviewer=reviewer)
    assert _kept(mentor) == set()

    verified(mentor, registration, reviewer=reviewer)
    assert _kept(mentor) == {mentor.pk}


def test_an_inactive_required_kind_is_not_asked_for(mentor, reviewer, licence):
    retired = kind("retired")
    retired.is_active = False
    retired.save()
    verified(mentor, licence, reviewer=reviewer)

    assert _kept(mentor) == {mentor.pk}


def test_nobody_is_qualified_while_no_kind_is_required(mentor, reviewer):
    verified(mentor, kind("optional", required=False), reviewer=reviewer)

    assert _kept(mentor) == set()


def test_another_holders_certificate_does_not_count(mentor, reviewer, licence):
    verified(MentorFactory(with_account=True), licence, reviewer=reviewer)

    assert _kept(mentor) == set()


def test_lists_cost_one_query_whatever_their_size(reviewer, licence):
    mentors = [MentorFactory(with_account=True) for _ in range(6)]
    for mentor in mentors[:4]:
        verified(mentor, licence, reviewer=reviewer)

    with CaptureQueriesContext(connection) as two:
        assert len(list(qualified(Mentor.objects.filter(pk__in=[m.pk for m in mentors[:2]])))) == 2
    with CaptureQueriesContext(connection) as six:
        assert len(list(qualified(Mentor.objects.filter(pk__in=[m.pk for m in mentors])))) == 4

    assert len(two.captured_queries) == len(six.captured_queries) == 1
    assert qualified_ids(Mentor, [m.pk for m in mentors]) == {m.pk for m in mentors[:4]}
    assert set(unqualified(Mentor.objects.all()).values_list("pk", flat=True)) == {m.pk for m in mentors[4:]}


def test_a_model_nobody_registered_is_refused(db):
    from accounts.models import User

    with pytest.raises(NotAHolder):
        qualified(User.objects.all())
