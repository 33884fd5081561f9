"""Every state-moving service against every state: allowed moves arrive, forbidden ones change nothing.

The services are called by actors who are otherwise entitled to act, so the refusal tested is the state's.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import StaffFactory
from complaints.errors import TransitionNotAllowed
from complaints.models import Appeal, ComplaintEvent, Remedy
from complaints.services import (
    RemedyProposal,
    complaint_acknowledge,
    complaint_add_complainant_reply,
    complaint_appeal,
    complaint_approve_resolution,
    complaint_auto_close,
    complaint_confirm_satisfaction,
    complaint_merge,
    complaint_propose_resolution,
    complaint_reject,
    complaint_request_information,
    complaint_respond,
    complaint_return_resolution,
    complaint_review_appeal,
    complaint_start_investigation,
    complaint_withdraw,
)
from complaints.states import State
from complaints.workflow import ALLOWED_TRANSITIONS, Transition
from notifications.models import Notification

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def supervisor(c):
    return StaffFactory(department=c.department, roles=[Role.SUPERVISOR])


def leader(c):
    return StaffFactory(roles=[Role.LEADERSHIP])


def refund(c):
    return [RemedyProposal(learner=c.learner, kind=Remedy.Kind.REFUND, amount=Decimal("100.00"))]


# service name -> (the move it makes, how to call it)
SERVICES = {
    "acknowledge": (
        Transition.ACKNOWLEDGE,
        lambda c: complaint_acknowledge(complaint=c, actor=supervisor(c)),
    ),
    "start_investigation": (
        Transition.START_INVESTIGATION,
        lambda c: complaint_start_investigation(complaint=c, actor=supervisor(c)),
    ),
    "request_information": (
        Transition.REQUEST_INFORMATION,
        lambda c: complaint_request_information(complaint=c, question="请补充材料", actor=supervisor(c)),
    ),
    "complainant_reply": (
        Transition.COMPLAINANT_REPLY,
        lambda c: complaint_add_complainant_reply(complaint=c, body="已补充", actor=c.complainant),
    ),
    "propose_resolution": (
        Transition.RESPOND,
        lambda c: complaint_propose_resolution(
            complaint=c, response="退费", remedies=refund(c), actor=supervisor(c)
        ),
    ),
    "respond": (
        Transition.RESPOND,
        lambda c: complaint_respond(complaint=c, response="答复", actor=supervisor(c)),
    ),
    "approve": (Transition.APPROVE, lambda c: complaint_approve_resolution(complaint=c, actor=leader(c))),
    "return": (
        Transition.RETURN,
        lambda c: complaint_return_resolution(complaint=c, reason="再核实", actor=leader(c)),
    ),
    "confirm_satisfaction": (
        Transition.CONFIRM_SATISFACTION,
        lambda c: complaint_confirm_satisfaction(complaint=c, rating=5, actor=c.complainant),
    ),
    "auto_close": (
        Transition.AUTO_CLOSE,
        lambda c: complaint_auto_close(complaint=c, now=timezone.now() + datetime.timedelta(days=30)),
    ),
    "appeal": (
        Transition.APPEAL,
        lambda c: complaint_appeal(complaint=c, reason="不服", actor=c.complainant),
    ),
    "revise_on_appeal": (
        Transition.REVISE_ON_APPEAL,
        lambda c: complaint_review_appeal(
            complaint=c, decision=Appeal.Decision.REVISED, reason="改", actor=leader(c)
        ),
    ),
    "uphold_on_appeal": (
        Transition.UPHOLD_ON_APPEAL,
        lambda c: complaint_review_appeal(
            complaint=c, decision=Appeal.Decision.UPHELD, reason="维持", actor=leader(c)
        ),
    ),
    "reject": (
        Transition.REJECT,
        lambda c: complaint_reject(complaint=c, reason="不属受理范围", actor=supervisor(c)),
    ),
    "merge": (
        Transition.MERGE,
        lambda c: complaint_merge(
            complaint=c, into=ComplaintFactory(category=c.category), actor=supervisor(c)
        ),
    ),
    "withdraw": (Transition.WITHDRAW, lambda c: complaint_withdraw(complaint=c, actor=c.complainant)),
}

ALLOWED = [
    (name, state) for name, (t, _call) in SERVICES.items() for state in sorted(ALLOWED_TRANSITIONS[t].sources)
]
FORBIDDEN = [
    (name, state)
    for name, (t, _call) in SERVICES.items()
    for state in State
    if state not in ALLOWED_TRANSITIONS[t].sources
]


def test_every_transition_has_a_service():
    assert {transition for transition, _call in SERVICES.values()} >= set(Transition) - {
        Transition.PROPOSE_FOR_APPROVAL
    }


@pytest.mark.parametrize(("service", "state"), ALLOWED, ids=lambda value: str(value))
def test_every_service_makes_its_move_from_every_allowed_state(category, service, state):
    transition, call = SERVICES[service]
    complaint = ComplaintFactory(category=category, state=state)

    moved = call(complaint)

    moved.refresh_from_db()
    assert moved.state == ALLOWED_TRANSITIONS[transition].target
    move = moved.events.get(to_state=moved.state, from_state=state)
    assert move.data["transition"] == transition


@pytest.mark.parametrize(("service", "state"), FORBIDDEN, ids=lambda value: str(value))
def test_every_service_refuses_every_forbidden_state_and_changes_nothing(category, snapshot, service, state):
    _transition, call = SERVICES[service]
    complaint = ComplaintFactory(category=category, state=state)
    before = snapshot(complaint)
    events_before = ComplaintEvent.objects.count()

    with pytest.raises(TransitionNotAllowed):
        call(complaint)

    before.assert_unchanged()
    assert ComplaintEvent.objects.count() == events_before
    assert not Notification.objects.exists()
