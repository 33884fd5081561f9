"""The refunds API: a quote before requesting, requesting, the staff's actions, errors per field."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from refunds.models import RefundRequest, State

from .factories import RefundRequestFactory, accept_agreement, enrolment_bought

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_a_quote_shows_the_amount_and_writes_nothing():
    enrolment = enrolment_bought(days_ago=40, lessons=30, taken=10, paid="3000.00")

    response = _client(enrolment.learner).post(
        "/api/v1/refunds/quote/", {"enrolment": enrolment.pk}, content_type="application/json"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["amount"], body["rule"]["clause"]) == ("2000.00", "第三条")
    assert body["calculation"][-1] == "Amount the rules give: 2000.00 yuan."
    assert not RefundRequest.objects.exists()


def test_requesting_needs_the_user_agreement_then_files_it():
    enrolment = enrolment_bought(days_ago=3)
    client = _client(enrolment.learner)
    body = {"enrolment": enrolment.pk, "reason": "搬家"}

    refused = client.post("/api/v1/refunds/", body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "agreement_acceptance_required"
    assert not RefundRequest.objects.exists()

    accept_agreement(enrolment.learner)
    response = client.post("/api/v1/refunds/", body, content_type="application/json")

    assert response.status_code == 201
    assert response.json()["amount"] == "3000.00"
    assert response.json()["available_actions"] == ["withdraw"]


def test_another_persons_enrolment_is_a_field_error_like_one_that_does_not_exist():
    enrolment = enrolment_bought()
    stranger = LearnerFactory()
    accept_agreement(stranger)

    for pk in (enrolment.pk, 10**9):
        response = _client(stranger).post(
            "/api/v1/refunds/", {"enrolment": pk, "reason": "想退"}, content_type="application/json"
        )
        assert response.status_code == 400
        assert list(response.json()) == ["enrolment"]
    assert not RefundRequest.objects.exists()


def test_a_second_open_request_is_a_conflict():
    refund = RefundRequestFactory()

    response = _client(refund.learner).post(
        "/api/v1/refunds/",
        {"enrolment": refund.enrolment_id, "reason": "再来"},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "open_request_exists"


def test_staff_refuse_with_a_rule_and_the_learner_reads_it():
    refund = RefundRequestFactory(enrolment=enrolment_bought(days_ago=60, taken=20))
    staff = _client(StaffFactory(roles=[Role.AGENT]))
    url = f"/api/v1/refunds/{refund.reference}/refuse/"

    missing = staff.post(url, {"reason": "超过三分之一"}, content_type="application/json")
    assert missing.status_code == 400 and "rule" in missing.json()
    response = staff.post(
        url, {"rule": refund.rule_id, "reason": "超过三分之一"}, content_type="application/json"
    )

    assert response.status_code == 200
    learner_view = _client(refund.learner).get(f"/api/v1/refunds/{refund.reference}/").json()
    assert learner_view["state"] == State.REFUSED
    assert learner_view["refusal_rule"]["clause"] == "第四条"


def test_approve_and_pay_back_through_the_api():
    refund = RefundRequestFactory(enrolment=enrolment_bought(days_ago=2, paid="800.00"))
    staff = _client(StaffFactory(roles=[Role.AGENT]))

    approved = staff.post(f"/api/v1/refunds/{refund.reference}/approve/", {}, content_type="application/json")
    assert approved.json()["state"] == State.APPROVED
    paid = staff.post(
        f"/api/v1/refunds/{refund.reference}/record-payment/",
        {"amount": "800.00", "paid_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )

    assert paid.status_code == 200
    refund.refresh_from_db()
    assert (refund.state, refund.paid_amount) == (State.PAID, Decimal("800.00"))
    again = staff.post(f"/api/v1/refunds/{refund.reference}/approve/", {}, content_type="application/json")
    assert again.status_code in (400, 409)


def test_the_list_costs_the_same_queries_whatever_its_length(django_assert_num_queries):
    first = RefundRequestFactory()
    client = _client(first.learner)
    client.get("/api/v1/refunds/")
    with django_assert_num_queries(6) as one:
        client.get("/api/v1/refunds/")
    for _number in range(5):
        RefundRequestFactory(enrolment=enrolment_bought(learner=first.learner))
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/api/v1/refunds/")
    assert len(response.json()["results"]) == 6
