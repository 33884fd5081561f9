"""The complainant writes to the handler unasked, and rates a complaint that closed by itself: the services,
the API's actions and the page's forms, which all call the same two services."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import GuardianshipFactory, LearnerFactory
from complaints.errors import ComplaintPermissionDenied, InvalidEvidence, RuleViolation, TransitionNotAllowed
from complaints.models import Attachment, ComplaintEvent, ComplaintRules, EventKind
from complaints.services import (
    complaint_add_complainant_message,
    complaint_auto_close,
    complaint_closed_automatically,
    complaint_confirm_satisfaction,
    complaint_rate_after_auto_close,
)
from complaints.states import State
from notifications.models import Notification

from .api_helpers import PNG, action_url, detail_url, files_under, logged_in, post_json
from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db

WRITABLE = [
    State.ACKNOWLEDGED,
    State.INVESTIGATING,
    State.AWAITING_COMPLAINANT,
    State.PENDING_APPROVAL,
    State.RESPONDED,
    State.APPEALED,
]
NOT_WRITABLE = [State.SUBMITTED, State.CLOSED, State.WITHDRAWN, State.MERGED, State.REJECTED]


def png(name="截图.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def in_state(state: State, **kwargs):
    return ComplaintFactory(state=state, **kwargs)


def auto_closed(**kwargs):
    days = ComplaintRules.load().auto_close_days
    complaint = ComplaintFactory(responded=True, **kwargs)
    complaint.responded_at = complaint.responded_at - datetime.timedelta(days=days + 1)
    complaint.save(update_fields=["responded_at"])
    complaint_auto_close(complaint=complaint)
    Notification.objects.all().delete()  # the closure notice is not what these tests look at
    complaint.refresh_from_db()
    return complaint


# --- Writing to the handler --------------------------------------------------------------------------------


@pytest.mark.parametrize("state", WRITABLE)
def test_the_complainant_writes_in_any_open_state_after_acknowledgement(state, media_root):
    complaint = in_state(state)
    states_before = complaint.state

    complaint_add_complainant_message(
        complaint=complaint, body="又发现一次迟到。", actor=complaint.complainant, files=[png()]
    )

    complaint.refresh_from_db()
    assert complaint.state == states_before
    message, evidence = complaint.events.order_by("id")
    assert (message.kind, message.is_public, message.actor, message.body) == (
        EventKind.COMPLAINANT_MESSAGE,
        True,
        complaint.complainant,
        "又发现一次迟到。",
    )
    attachment = Attachment.objects.get(complaint=complaint)
    assert (evidence.kind, evidence.is_public, evidence.data) == (
        EventKind.EVIDENCE_ADDED,
        True,
        {"attachments": [attachment.pk]},
    )
    assert set(Notification.objects.values_list("recipient", "kind")) == {
        (complaint.owner.pk, "complaint_complainant_message")
    }


def test_a_guardian_writes_for_their_child():
    link = GuardianshipFactory()
    complaint = ComplaintFactory(investigating=True, complainant=link.learner)

    complaint_add_complainant_message(complaint=complaint, body="孩子补充说明。", actor=link.guardian)

    assert complaint.events.get().kind == EventKind.COMPLAINANT_MESSAGE


@pytest.mark.parametrize("state", NOT_WRITABLE)
def test_no_message_before_acknowledgement_or_after_the_end(state, snapshot, media_root):
    complaint = in_state(state)
    before = snapshot(complaint)

    with pytest.raises(TransitionNotAllowed):
        complaint_add_complainant_message(
            complaint=complaint, body="还有问题。", actor=complaint.complainant, files=[png()]
        )

    before.assert_unchanged()
    assert not Attachment.objects.exists()
    assert files_under(media_root) == []


def test_a_co_learner_or_a_stranger_cannot_write_as_the_complainant(snapshot):
    co_learner = LearnerFactory()
    complaint = ComplaintFactory(investigating=True, affected=[co_learner])
    before = snapshot(complaint)

    for person in (co_learner, LearnerFactory()):
        with pytest.raises(ComplaintPermissionDenied):
            complaint_add_complainant_message(complaint=complaint, body="我也有话说。", actor=person)

    before.assert_unchanged()


def test_a_message_with_a_refused_file_is_not_sent_and_stores_nothing(snapshot, media_root):
    complaint = ComplaintFactory(investigating=True)
    before = snapshot(complaint)
    fake = SimpleUploadedFile("收据.pdf", b"not a pdf at all", content_type="application/pdf")

    with pytest.raises(InvalidEvidence):
        complaint_add_complainant_message(
            complaint=complaint, body="附上收据。", actor=complaint.complainant, files=[png(), fake]
        )

    before.assert_unchanged()
    assert not Attachment.objects.exists()
    assert files_under(media_root) == []


def test_an_empty_message_is_refused(snapshot):
    complaint = ComplaintFactory(investigating=True)
    before = snapshot(complaint)

    with pytest.raises(RuleViolation) as refused:
        complaint_add_complainant_message(complaint=complaint, body="  ", actor=complaint.complainant)

    assert refused.value.field == "body"
    before.assert_unchanged()


def test_the_api_and_the_page_send_messages_through_the_same_service(client, media_root):
    complaint = ComplaintFactory(responded=True)
    learner = complaint.complainant
    api = logged_in(learner)

    offered = api.get(detail_url(complaint)).json()["available_actions"]
    by_api = api.post(action_url(complaint, "message"), {"body": "退款何时到账？", "attachments": [png()]})
    client.force_login(learner)
    page = client.get(reverse("complaints:detail", args=[complaint.reference]))
    by_page = client.post(reverse("complaints:message", args=[complaint.reference]), {"body": "谢谢。"})

    assert "message" in offered
    assert page.context["actions"]["message"]
    assert by_api.status_code == 200
    assert [event["kind"] for event in by_api.json()["timeline"]] == ["complainant_message", "evidence_added"]
    assert by_page.status_code == 302
    assert list(complaint.events.order_by("id").values_list("kind", "body")) == [
        ("complainant_message", "退款何时到账？"),
        ("evidence_added", ""),
        ("complainant_message", "谢谢。"),
    ]
    assert len(files_under(media_root)) == 1


def test_a_finished_complaint_takes_no_message_by_api_or_page(client, snapshot):
    complaint = ComplaintFactory(withdrawn=True)
    before = snapshot(complaint)
    api = logged_in(complaint.complainant)
    client.force_login(complaint.complainant)

    by_api = post_json(api, action_url(complaint, "message"), {"body": "还在吗？"})
    page = client.get(reverse("complaints:detail", args=[complaint.reference]))
    by_page = client.post(reverse("complaints:message", args=[complaint.reference]), {"body": "还在吗？"})

    assert by_api.status_code == 409
    assert "message" not in api.get(detail_url(complaint)).json()["available_actions"]
    assert not page.context["actions"]["message"]
    assert by_page.status_code == 400
    assert by_page.context["message_form"].non_field_errors()
    before.assert_unchanged()


def test_a_question_waiting_for_the_complainant_is_answered_with_the_reply_form(client):
    complaint = ComplaintFactory(awaiting_complainant=True)
    client.force_login(complaint.complainant)

    page = client.get(reverse("complaints:detail", args=[complaint.reference]))

    assert page.context["actions"]["reply"]
    assert not page.context["actions"]["message"]


# --- Rating after the automatic close ----------------------------------------------------------------------


def test_the_complainant_rates_a_complaint_that_closed_by_itself_once():
    complaint = auto_closed()
    assert complaint_closed_automatically(complaint=complaint)

    complaint_rate_after_auto_close(
        complaint=complaint, rating=2, comment=" 处理太慢 ", actor=complaint.complainant
    )

    complaint.refresh_from_db()
    assert (complaint.state, complaint.satisfaction_rating, complaint.satisfaction_comment) == (
        State.CLOSED,
        2,
        "处理太慢",
    )
    event = complaint.events.latest("id")
    assert (event.kind, event.is_public, event.actor, event.data["rating"]) == (
        EventKind.SATISFACTION,
        True,
        complaint.complainant,
        2,
    )
    assert not Notification.objects.exists()


def test_a_second_rating_is_refused_and_changes_nothing(snapshot):
    complaint = auto_closed()
    complaint_rate_after_auto_close(complaint=complaint, rating=4, actor=complaint.complainant)
    before = snapshot(complaint)

    with pytest.raises(RuleViolation) as refused:
        complaint_rate_after_auto_close(complaint=complaint, rating=1, actor=complaint.complainant)

    assert refused.value.code == "already_rated"
    before.assert_unchanged()


def test_only_an_automatic_close_is_rated_this_way(snapshot):
    confirmed = ComplaintFactory(responded=True)
    complaint_confirm_satisfaction(complaint=confirmed, rating=5, actor=confirmed.complainant)
    never_rated = ComplaintFactory(closed=True)  # closed without an automatic-close event
    open_one = ComplaintFactory(responded=True)

    for complaint in (confirmed, never_rated, open_one):
        before = snapshot(complaint)
        with pytest.raises(TransitionNotAllowed):
            complaint_rate_after_auto_close(complaint=complaint, rating=3, actor=complaint.complainant)
        before.assert_unchanged()


@pytest.mark.parametrize("rating", [0, 6, True])
def test_a_rating_out_of_range_is_refused(rating, snapshot):
    complaint = auto_closed()
    before = snapshot(complaint)

    with pytest.raises(RuleViolation) as refused:
        complaint_rate_after_auto_close(complaint=complaint, rating=rating, actor=complaint.complainant)

    assert refused.value.field == "rating"
    before.assert_unchanged()


def test_only_a_party_rates(snapshot):
    co_learner = LearnerFactory()
    complaint = auto_closed(affected=[co_learner])
    before = snapshot(complaint)

    with pytest.raises(ComplaintPermissionDenied):
        complaint_rate_after_auto_close(complaint=complaint, rating=3, actor=co_learner)

    before.assert_unchanged()


def test_the_api_offers_and_takes_one_rating_after_the_automatic_close(snapshot):
    complaint = auto_closed()
    api = logged_in(complaint.complainant)

    offered = api.get(detail_url(complaint)).json()["available_actions"]
    rated = post_json(api, action_url(complaint, "rating"), {"rating": 5, "comment": "最后还是解决了"})
    before = snapshot(complaint)
    again = post_json(api, action_url(complaint, "rating"), {"rating": 1})

    assert offered == ["rating", "appeal"]
    assert rated.status_code == 200
    assert rated.json()["satisfaction_rating"] == 5
    assert "rating" not in rated.json()["available_actions"]
    assert again.status_code == 400
    assert again.json()["code"] == "already_rated"
    before.assert_unchanged()


def test_the_page_offers_the_rating_once_after_the_automatic_close(client, snapshot):
    complaint = auto_closed()
    client.force_login(complaint.complainant)
    url = reverse("complaints:rate", args=[complaint.reference])

    offered = client.get(reverse("complaints:detail", args=[complaint.reference]))
    rated = client.post(url, {"rating": "3", "comment": "一般"})
    after = client.get(reverse("complaints:detail", args=[complaint.reference]))
    before = snapshot(complaint)
    again = client.post(url, {"rating": "5"})

    assert offered.context["actions"]["rating"]
    assert 'id="rating-title"' in offered.text
    assert rated.status_code == 302
    assert not after.context["actions"]["rating"]
    assert again.status_code == 400
    assert again.context["rating_form"].errors["rating"]
    before.assert_unchanged()
    assert ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.SATISFACTION).count() == 1
