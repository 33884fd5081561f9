import pytest
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory, LearnerFactory, StaffFactory
from incentives.models import Award, RewardRule
from incentives.reasons import AwardReason
from incentives.services import points_award
from privacy.models import AccessLogEntry

from .factories import AwardFactory, RewardRuleFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def earn(learner, times: int, reason=AwardReason.SURVEY_ANSWERED) -> None:
    for _ in range(times):
        points_award(learner=learner, reason=reason, source=DepartmentFactory())


def test_the_points_page_shows_the_total_the_rewards_and_their_history():
    RewardRuleFactory(every_points=20)
    learner = LearnerFactory()
    earn(learner, 3)

    page = client_for(learner).get("/points/").content.decode()

    reward = learner.rewards.get()
    assert "30" in page and reward.code in page and reward.description in page
    assert "40" in page  # the next reward
    assert page.count("+10") == 3


def test_the_points_page_shows_no_one_elses_points():
    RewardRuleFactory(every_points=10)
    other = LearnerFactory()
    earn(other, 1)
    learner = LearnerFactory()

    page = client_for(learner).get("/points/").content.decode()

    assert other.rewards.get().code not in page
    assert "+10" not in page


def test_the_points_page_costs_the_same_queries_for_few_awards_or_many(django_assert_num_queries):
    RewardRuleFactory(every_points=1000)
    learner = LearnerFactory()
    earn(learner, 1)
    client = client_for(learner)
    client.get("/points/")
    with django_assert_num_queries(10):
        assert client.get("/points/").status_code == 200
    AwardFactory.create_batch(30, learner=learner)
    with django_assert_num_queries(10):
        assert client.get("/points/").status_code == 200


def test_the_page_and_the_api_need_a_log_in():
    anonymous = Client()
    assert anonymous.get("/points/").status_code == 302
    for url in ("/api/v1/me/points/", "/api/v1/me/points/awards/", "/api/v1/me/rewards/"):
        assert anonymous.get(url).status_code == 403


def test_the_api_gives_my_points_awards_and_rewards():
    RewardRuleFactory(every_points=20)
    learner, other = LearnerFactory(), LearnerFactory()
    earn(learner, 2)
    earn(other, 3)
    client = client_for(learner)

    summary = client.get("/api/v1/me/points/").json()
    awards = client.get("/api/v1/me/points/awards/").json()["results"]
    rewards = client.get("/api/v1/me/rewards/").json()["results"]

    assert summary == {"total": 20, "next_reward_at": 40}
    assert [award["points"] for award in awards] == [10, 10]
    assert awards[0]["reason"] == "survey_answered"
    assert [reward["code"] for reward in rewards] == [learner.rewards.get().code]


def test_the_awards_list_costs_the_same_queries_whatever_its_length(django_assert_num_queries):
    learner = LearnerFactory()
    AwardFactory.create_batch(2, learner=learner)
    client = client_for(learner)
    client.get("/api/v1/me/points/awards/")
    with django_assert_num_queries(4):
        client.get("/api/v1/me/points/awards/")
    AwardFactory.create_batch(20, learner=learner)
    with django_assert_num_queries(4):
        assert len(client.get("/api/v1/me/points/awards/").json()["results"]) == 22


@pytest.mark.parametrize("role", [Role.MANAGER, Role.LEADERSHIP])
def test_managers_read_the_ledger_in_the_admin_and_each_read_is_logged(role):
    award = AwardFactory()
    reader = StaffFactory(roles=[role])
    client = client_for(reader)

    listing = client.get("/admin/incentives/award/")
    row = client.get(f"/admin/incentives/award/{award.pk}/change/")

    assert (listing.status_code, row.status_code) == (200, 200)
    assert AccessLogEntry.objects.filter(actor=reader, subject=award.learner).count() == 2


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.LEGAL])
def test_other_staff_do_not_see_the_ledger_or_edit_the_rules(role):
    award = AwardFactory()
    client = client_for(StaffFactory(roles=[role]))

    assert client.get("/admin/incentives/award/").status_code == 403
    assert client.get(f"/admin/incentives/award/{award.pk}/change/").status_code == 403
    assert client.post("/admin/incentives/rewardrule/add/", {"kind": "coupon"}).status_code == 403
    assert not RewardRule.objects.exists()


def test_no_one_adds_changes_or_deletes_an_award_in_the_admin():
    award = AwardFactory(points=10)
    client = client_for(StaffFactory(roles=[Role.MANAGER]))

    assert client.get("/admin/incentives/award/add/").status_code == 403
    assert client.post(f"/admin/incentives/award/{award.pk}/change/", {"points": 999}).status_code == 403
    assert client.post(f"/admin/incentives/award/{award.pk}/delete/", {"post": "yes"}).status_code == 403
    award.refresh_from_db()
    assert award.points == 10 and Award.objects.count() == 1


def test_a_manager_adds_a_reward_rule_in_the_admin():
    client = client_for(StaffFactory(roles=[Role.MANAGER]))

    answer = client.post(
        "/admin/incentives/rewardrule/add/",
        {
            "kind": "discount",
            "every_points": 100,
            "value": "10.00",
            "description": "课程九折",
            "description_en": "10% off a course",
            "valid_days": "",
            "is_active": "on",
        },
    )

    assert answer.status_code == 302
    rule = RewardRule.objects.get()
    assert (rule.kind, rule.every_points, rule.valid_days) == ("discount", 100, None)
