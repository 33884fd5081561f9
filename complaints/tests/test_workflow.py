"""The transition table: every move it allows works, every move it forbids changes nothing."""

import pytest

from complaints.errors import TransitionNotAllowed
from complaints.models import ComplaintEvent, EventKind
from complaints.states import OPEN_STATES, State
from complaints.workflow import ALLOWED_TRANSITIONS, Transition, allowed_transitions, complaint_transition
from notifications.models import Notification

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db

S = State
# DESIGN §3, written out independently of the code so a change to the table has to change this too.
EXPECTED = {
    Transition.ACKNOWLEDGE: ({S.SUBMITTED}, S.ACKNOWLEDGED),
    Transition.START_INVESTIGATION: ({S.ACKNOWLEDGED}, S.INVESTIGATING),
    Transition.REQUEST_INFORMATION: ({S.INVESTIGATING}, S.AWAITING_COMPLAINANT),
    Transition.COMPLAINANT_REPLY: ({S.AWAITING_COMPLAINANT}, S.INVESTIGATING),
    Transition.PROPOSE_FOR_APPROVAL: ({S.INVESTIGATING}, S.PENDING_APPROVAL),
    Transition.APPROVE: ({S.PENDING_APPROVAL}, S.RESPONDED),
    Transition.RETURN: ({S.PENDING_APPROVAL}, S.INVESTIGATING),
    Transition.RESPOND: ({S.INVESTIGATING}, S.RESPONDED),
    Transition.CONFIRM_SATISFACTION: ({S.RESPONDED}, S.CLOSED),
    Transition.AUTO_CLOSE: ({S.RESPONDED}, S.CLOSED),
    Transition.APPEAL: ({S.RESPONDED, S.CLOSED}, S.APPEALED),
    Transition.REVISE_ON_APPEAL: ({S.APPEALED}, S.RESPONDED),
    Transition.UPHOLD_ON_APPEAL: ({S.APPEALED}, S.CLOSED),
    Transition.REJECT: ({S.SUBMITTED, S.ACKNOWLEDGED}, S.REJECTED),
    Transition.MERGE: ({S.SUBMITTED, S.ACKNOWLEDGED}, S.MERGED),
    Transition.WITHDRAW: (
        {
            S.SUBMITTED,
            S.ACKNOWLEDGED,
            S.INVESTIGATING,
            S.AWAITING_COMPLAINANT,
            S.PENDING_APPROVAL,
            S.RESPONDED,
            S.APPEALED,
        },
        S.WITHDRAWN,
    ),
}

ALLOWED = [(t, s) for t, (sources, _target) in EXPECTED.items() for s in sorted(sources)]
FORBIDDEN = [(t, s) for t, (sources, _target) in EXPECTED.items() for s in State if s not in sources]


def test_the_table_is_the_designed_one():
    assert {t: (set(move.sources), move.target) for t, move in ALLOWED_TRANSITIONS.items()} == EXPECTED
    assert set(ALLOWED_TRANSITIONS) == set(Transition)


def test_withdraw_reaches_exactly_the_open_states():
    assert ALLOWED_TRANSITIONS[Transition.WITHDRAW].sources == OPEN_STATES


def test_finished_complaints_allow_no_move_but_an_appeal_of_a_closed_one():
    assert allowed_transitions(state=State.CLOSED) == [Transition.APPEAL]
    for state in (State.REJECTED, State.MERGED, State.WITHDRAWN):
        assert allowed_transitions(state=state) == []


@pytest.mark.parametrize(("transition", "state"), ALLOWED, ids=lambda value: str(value))
def test_every_allowed_move_moves_and_writes_one_event(transition, state):
    complaint = ComplaintFactory(state=state)
    actor = complaint.owner or complaint.complainant
    changes = {"merged_into": ComplaintFactory()} if transition == Transition.MERGE else None

    moved = complaint_transition(
        complaint=complaint, transition=transition, actor=actor, body="说明", changes=changes
    )

    target = EXPECTED[transition][1]
    moved.refresh_from_db()
    assert moved.state == target
    event = ComplaintEvent.objects.get(complaint=complaint)
    assert (event.from_state, event.to_state, event.actor, event.body) == (state, target, actor, "说明")
    assert event.kind == EventKind.STATE_CHANGE
    assert event.data["transition"] == transition
    assert event.is_public == ALLOWED_TRANSITIONS[transition].public
    assert (moved.closed_at is not None) == (target in {S.CLOSED, S.REJECTED, S.MERGED, S.WITHDRAWN})
    # the caller's instance is not silently changed
    assert complaint.state == state


@pytest.mark.parametrize(("transition", "state"), FORBIDDEN, ids=lambda value: str(value))
def test_every_forbidden_move_is_refused_and_changes_nothing(transition, state, snapshot):
    complaint = ComplaintFactory(state=state)
    before = snapshot(complaint)

    with pytest.raises(TransitionNotAllowed) as refused:
        complaint_transition(complaint=complaint, transition=transition, actor=complaint.complainant)

    assert refused.value.code == "transition_not_allowed"
    before.assert_unchanged()
    assert not ComplaintEvent.objects.filter(complaint=complaint).exists()
    assert not Notification.objects.exists()


def test_responding_keeps_an_earlier_first_response_time():
    complaint = ComplaintFactory(investigating=True, first_responded_at=None)
    first = complaint.created_at
    complaint.first_responded_at = first
    complaint.save(update_fields=["first_responded_at"])

    moved = complaint_transition(complaint=complaint, transition=Transition.RESPOND, actor=complaint.owner)

    assert moved.first_responded_at == first
    assert moved.responded_at is not None and moved.responded_at > first
