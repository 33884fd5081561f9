"""Submitting and vetting: who may, what is refused (changing nothing, queuing nothing), what is told."""

import datetime

import pytest

from accounts.tests.factories import LearnerFactory, StaffFactory
from notifications.models import Notification
from qualifications.errors import QualificationInvalid, QualificationNotAllowed, QualificationStateConflict
from qualifications.models import Qualification, QualificationEvent, State
from qualifications.services import Transition, qualification_decide, qualification_submit
from ratings.tests.factories import MentorFactory

from .conftest import TODAY, grant_vetting, row, scan, submit, verified

pytestmark = pytest.mark.django_db

GOOD = {
    "number": "PSY-1",
    "issuer": "人社部",
    "level": "",
    "valid_from": TODAY - datetime.timedelta(days=1),
    "valid_until": TODAY + datetime.timedelta(days=400),
}


def test_the_holder_submits_with_a_scan_stored_encrypted(mentor, licence):
    qualification = submit(mentor, licence)

    assert qualification.state == State.SUBMITTED
    assert bytes(Qualification.objects.get(pk=qualification.pk).scan).startswith(b"\x89PNG")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT scan FROM qualifications_qualification WHERE id = %s", [qualification.pk])
        stored = cursor.fetchone()[0]
    assert "PNG" not in stored and not stored.startswith("\x89")
    assert list(qualification.events.values_list("kind", flat=True)) == ["submitted"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"number": "  "}, "number"),
        ({"issuer": ""}, "issuer"),
        ({"number": "x" * 101}, "number"),
        ({"valid_from": None}, "valid_from"),
        ({"valid_until": None}, "valid_until"),
        ({"valid_until": TODAY - datetime.timedelta(days=2)}, "valid_until"),
        (
            {
                "valid_until": TODAY - datetime.timedelta(days=1),
                "valid_from": TODAY - datetime.timedelta(days=9),
            },
            "valid_until",
        ),
        ({"scan": None}, "scan"),
        ({"scan": scan("cert.png", b"%!PS-Adobe not an image")}, "scan"),
        ({"kind": None}, "kind"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_written(mentor, licence, change, field):
    arguments = {**GOOD, "kind": licence, "scan": scan(), **change}

    with pytest.raises(QualificationInvalid) as refused:
        qualification_submit(holder=mentor, actor=mentor.user, **arguments)

    assert refused.value.field == field
    assert not Qualification.objects.exists() and not QualificationEvent.objects.exists()


def test_a_kind_of_another_holder_model_is_refused(mentor):
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import User
    from qualifications.models import QualificationKind

    foreign = QualificationKind.objects.create(
        holder_type=ContentType.objects.get_for_model(User), code="x", name="x", required=True
    )
    with pytest.raises(QualificationInvalid) as refused:
        qualification_submit(holder=mentor, actor=mentor.user, kind=foreign, scan=scan(), **GOOD)
    assert refused.value.field == "kind"


def test_someone_else_cannot_submit_for_the_holder(mentor, licence):
    with pytest.raises(QualificationNotAllowed):
        qualification_submit(holder=mentor, actor=LearnerFactory(), kind=licence, scan=scan(), **GOOD)
    assert not Qualification.objects.exists()


def test_a_reviewer_may_key_one_in_but_then_not_decide_on_it(mentor, licence, reviewer):
    qualification = submit(mentor, licence, actor=reviewer)

    with pytest.raises(QualificationNotAllowed):
        qualification_decide(qualification=qualification, actor=reviewer, transition=Transition.VERIFY)
    assert row(qualification)["state"] == State.SUBMITTED


def test_a_reviewer_verifies_and_the_holder_is_told(mentor, licence, reviewer):
    qualification = submit(mentor, licence)

    decided = qualification_decide(qualification=qualification, actor=reviewer, transition=Transition.VERIFY)

    assert (decided.state, decided.reviewed_by_id) == (State.VERIFIED, reviewer.pk)
    notices = Notification.objects.filter(recipient=mentor.user, kind="qualification_decided")
    assert {n.context["state"] for n in notices} == {"verified"}
    assert list(decided.events.values_list("kind", "from_state", "to_state")) == [
        ("submitted", "", "submitted"),
        ("verified", "submitted", "verified"),
    ]


def test_nobody_vets_their_own_qualification(licence):
    reviewer_with_mentor_role = grant_vetting(StaffFactory())
    own = MentorFactory(user=reviewer_with_mentor_role)
    qualification = submit(own, licence)
    before = row(qualification)

    with pytest.raises(QualificationNotAllowed):
        qualification_decide(
            qualification=qualification, actor=reviewer_with_mentor_role, transition="verify"
        )

    assert row(qualification) == before
    assert not Notification.objects.filter(kind="qualification_decided").exists()


@pytest.mark.parametrize("actor", ["learner", "staff without the permission"])
def test_only_reviewers_decide(mentor, licence, actor):
    qualification = submit(mentor, licence)
    person = LearnerFactory() if actor == "learner" else StaffFactory()

    with pytest.raises(QualificationNotAllowed):
        qualification_decide(qualification=qualification, actor=person, transition=Transition.VERIFY)
    assert row(qualification)["state"] == State.SUBMITTED


@pytest.mark.parametrize("transition", [Transition.REJECT, Transition.SUSPEND])
def test_a_refusal_needs_a_reason(mentor, licence, reviewer, transition):
    qualification = submit(mentor, licence)
    if transition == Transition.SUSPEND:
        qualification = qualification_decide(qualification=qualification, actor=reviewer, transition="verify")
    before, notices = row(qualification), Notification.objects.count()

    with pytest.raises(QualificationInvalid) as refused:
        qualification_decide(qualification=qualification, actor=reviewer, transition=transition, reason=" ")

    assert refused.value.field == "reason"
    assert row(qualification) == before and Notification.objects.count() == notices


def test_a_move_the_state_does_not_allow_is_a_conflict(mentor, licence, reviewer):
    qualification = submit(mentor, licence)

    with pytest.raises(QualificationStateConflict):
        qualification_decide(
            qualification=qualification, actor=reviewer, transition=Transition.SUSPEND, reason="x"
        )
    assert row(qualification)["state"] == State.SUBMITTED


def test_a_lapsed_certificate_cannot_be_verified(mentor, licence, reviewer, time_machine):
    qualification = submit(mentor, licence, valid_until=TODAY + datetime.timedelta(days=2))
    time_machine.move_to(datetime.datetime(2026, 6, 10, 10, 0, tzinfo=datetime.UTC))

    with pytest.raises(QualificationInvalid):
        qualification_decide(qualification=qualification, actor=reviewer, transition=Transition.VERIFY)
    assert row(qualification)["state"] == State.SUBMITTED


def test_a_suspension_that_leaves_the_holder_unqualified_tells_the_domain_once(
    mentor, licence, reviewer, _lapses
):
    qualification = verified(mentor, licence, reviewer=reviewer)

    qualification_decide(
        qualification=qualification, actor=reviewer, transition=Transition.SUSPEND, reason="投诉"
    )

    assert _lapses == [[mentor.pk]]
    assert row(qualification)["lapse_handled_at"] is not None


def test_a_suspension_with_another_valid_certificate_tells_no_one(mentor, licence, reviewer, _lapses):
    first = verified(mentor, licence, reviewer=reviewer)
    verified(mentor, licence, reviewer=reviewer)

    qualification_decide(qualification=first, actor=reviewer, transition=Transition.SUSPEND, reason="重复")

    assert _lapses == []


def test_reinstating_brings_the_holder_back(mentor, licence, reviewer):
    from core.tests.testapp.models import Mentor
    from qualifications.selectors import qualified_ids

    qualification = verified(mentor, licence, reviewer=reviewer)
    qualification = qualification_decide(
        qualification=qualification, actor=reviewer, transition="suspend", reason="查"
    )

    qualification_decide(qualification=qualification, actor=reviewer, transition=Transition.REINSTATE)

    assert qualified_ids(Mentor, [mentor.pk]) == {mentor.pk}
