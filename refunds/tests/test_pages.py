"""The learners' refund pages and the staff's workspace: what they show, what they refuse, what they cost."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import GuardianshipFactory, LearnerFactory, StaffFactory
from privacy.models import AccessLogEntry, PolicyConsent
from refunds.models import RefundRequest, State

from .factories import RefundRequestFactory, accept_agreement, enrolment_bought

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_my_courses_offers_a_refund_and_links_the_open_request():
    enrolment = enrolment_bought()
    other = enrolment_bought(learner=enrolment.learner)
    open_request = RefundRequestFactory(enrolment=other)

    page = _client(enrolment.learner).get("/refunds/courses/").content.decode()

    assert f"/refunds/courses/{enrolment.pk}/request/" in page
    assert f"/refunds/{open_request.reference}/" in page
    assert f"/refunds/courses/{other.pk}/request/" not in page


def test_the_user_agreement_is_asked_for_first_and_the_learner_comes_back():
    enrolment = enrolment_bought()
    client = _client(enrolment.learner)
    url = f"/refunds/courses/{enrolment.pk}/request/"

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/privacy/agreement/accept/?next=")
    page = client.get(response["Location"])
    assert "学员用户协议" in page.content.decode()
    assert client.post(response["Location"], {"next": url}).status_code == 400
    assert not PolicyConsent.objects.filter(
        user=enrolment.learner, policy_version__kind="user_agreement"
    ).exists()
    response = client.post("/privacy/agreement/accept/", {"accept": "on", "next": url})
    assert response["Location"] == url
    assert client.get(url).status_code == 200
    my_data = client.get("/privacy/my-data/").content.decode()
    assert "用户协议" in my_data


def test_the_form_shows_the_amount_and_its_steps_before_sending():
    enrolment = enrolment_bought(days_ago=40, lessons=30, taken=10, paid="3000.00")
    accept_agreement(enrolment.learner)
    client = _client(enrolment.learner)
    client.cookies["django_language"] = "en"

    page = client.get(f"/refunds/courses/{enrolment.pk}/request/").content.decode()

    assert "The refund rules give 2000.00 yuan" in page
    assert "3000.00 × (30 − 10) ÷ 30 = 2000.00 yuan." in page
    assert not RefundRequest.objects.exists()


def test_sending_the_form_files_the_request_and_bad_input_is_refused_at_its_field():
    enrolment = enrolment_bought(days_ago=3)
    accept_agreement(enrolment.learner)
    client = _client(enrolment.learner)
    url = f"/refunds/courses/{enrolment.pk}/request/"

    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert refused.context["form"].errors["reason"]
    assert not RefundRequest.objects.exists()
    recalculated = client.post(url, {"reason": "试算", "recalculate": "1", "institution_at_fault": "on"})
    assert recalculated.status_code == 200 and not RefundRequest.objects.exists()

    response = client.post(url, {"reason": "工作调动"})

    refund = RefundRequest.objects.get()
    assert response["Location"] == f"/refunds/{refund.reference}/"
    assert refund.amount == Decimal("3000.00")
    again = client.post(url, {"reason": "再来一次"})
    assert again.status_code == 400
    assert RefundRequest.objects.count() == 1


def test_someone_elses_enrolment_is_not_found_and_staff_have_no_form():
    enrolment = enrolment_bought()
    stranger = LearnerFactory()
    accept_agreement(stranger)

    assert _client(stranger).get(f"/refunds/courses/{enrolment.pk}/request/").status_code == 404
    assert _client(StaffFactory(roles=[Role.AGENT])).get("/refunds/courses/").status_code == 403


def test_a_guardian_requests_for_their_child():
    guardianship = GuardianshipFactory()
    enrolment = enrolment_bought(learner=guardianship.learner, days_ago=3)
    accept_agreement(guardianship.guardian)
    client = _client(guardianship.guardian)

    assert guardianship.learner.display_name in client.get("/refunds/courses/").content.decode()
    client.post(f"/refunds/courses/{enrolment.pk}/request/", {"reason": "孩子生病"})

    refund = RefundRequest.objects.get()
    assert (refund.learner, refund.filed_by) == (guardianship.learner, guardianship.guardian)
    assert client.get(f"/refunds/{refund.reference}/").status_code == 200


def test_a_refused_request_offers_a_complaint_filled_in():
    refund = RefundRequestFactory(enrolment=enrolment_bought(days_ago=60, taken=20))
    agent = StaffFactory(roles=[Role.AGENT])
    from refunds.services import refund_refuse

    refund_refuse(request=refund, actor=agent, rule=refund.rule, reason="已上课时超过三分之一。")
    client = _client(refund.learner)

    page = client.get(f"/refunds/{refund.reference}/").content.decode()
    assert "第四条" in page
    link = f"/complaints/new/?from=refund&amp;ref={refund.reference}"
    assert link in page
    form = client.get(link.replace("&amp;", "&")).context["form"]
    assert form.initial["category"] == form.fields["category"].queryset.get(code="fees_refunds").pk
    assert form.initial["course"] == refund.enrolment.course_id
    assert refund.reference in form.initial["title"]
    assert "已上课时超过三分之一。" in form.initial["description"]
    assert "第四条" in form.initial["description"]
    # someone else's reference fills nothing in: it is not found
    stranger = _client(LearnerFactory())
    assert stranger.get(f"/complaints/new/?from=refund&ref={refund.reference}").status_code == 404


def test_a_staff_read_of_the_learners_page_is_logged():
    refund = RefundRequestFactory()
    agent = StaffFactory(roles=[Role.AGENT])

    assert _client(agent).get(f"/refunds/{refund.reference}/").status_code == 200

    assert AccessLogEntry.objects.filter(actor=agent, subject=refund.learner).exists()


def test_the_learner_withdraws():
    refund = RefundRequestFactory()

    _client(refund.learner).post(f"/refunds/{refund.reference}/withdraw/")

    refund.refresh_from_db()
    assert refund.state == State.WITHDRAWN


def test_the_lists_cost_the_same_queries_whatever_their_length(django_assert_num_queries):
    first = RefundRequestFactory()
    learner = first.learner
    client = _client(learner)
    # My courses reads the courses' promises about their teaching in one query more.
    for url, queries in (("/refunds/", 8), ("/refunds/courses/", 9)):
        client.get(url)
        with django_assert_num_queries(queries) as one:
            client.get(url)
        for _number in range(5):
            RefundRequestFactory(enrolment=enrolment_bought(learner=learner))
        with django_assert_num_queries(len(one.captured_queries)):
            client.get(url)


def test_staff_decide_in_the_workspace_and_each_move_calls_its_service():
    refund = RefundRequestFactory(enrolment=enrolment_bought(days_ago=60, taken=20))
    agent = StaffFactory(roles=[Role.AGENT])
    staff = _client(agent)
    change = f"/admin/refunds/refundrequest/{refund.pk}/change/"

    page = staff.get(change).content.decode()
    assert 'id="move-approve"' in page and 'id="move-refuse"' in page
    assert 'id="move-leadership_approve"' not in page

    # approving what the rules give nothing is refused next to the field
    refused = staff.post(f"/admin/refunds/refundrequest/{refund.pk}/move/approve/", {})
    assert refused.status_code == 400
    refund.refresh_from_db()
    assert refund.state == State.SUBMITTED
    # a refusal without a rule is refused at the rule
    refused = staff.post(
        f"/admin/refunds/refundrequest/{refund.pk}/move/refuse/", {"refuse-reason": "超过三分之一"}
    )
    assert refused.status_code == 400
    assert "refuse-rule" in refused.content.decode()

    response = staff.post(
        f"/admin/refunds/refundrequest/{refund.pk}/move/approve/", {"approve-institution_at_fault": "on"}
    )

    assert response.status_code == 302
    refund.refresh_from_db()
    assert (refund.state, refund.approved_amount) == (State.APPROVED, Decimal("1000.00"))
    response = staff.post(
        f"/admin/refunds/refundrequest/{refund.pk}/move/record_payment/",
        {
            "record_payment-amount": "1000.00",
            "record_payment-paid_on": timezone.localdate().isoformat(),
            "record_payment-payment_reference": "ZFB-2026-1",
        },
    )
    assert response.status_code == 302
    refund.refresh_from_db()
    assert (refund.state, refund.payment_reference) == (State.PAID, "ZFB-2026-1")


def test_the_queue_lists_requests_with_their_countdown_in_a_fixed_number_of_queries(
    django_assert_num_queries,
):
    agent = StaffFactory(roles=[Role.AGENT])
    staff = _client(agent)
    RefundRequestFactory()
    staff.get("/admin/refunds/refundrequest/")
    with django_assert_num_queries(10) as one:
        page = staff.get("/admin/refunds/refundrequest/")
    assert "queue-due" in page.content.decode()
    for _number in range(5):
        RefundRequestFactory()
    with django_assert_num_queries(len(one.captured_queries)):
        staff.get("/admin/refunds/refundrequest/")
