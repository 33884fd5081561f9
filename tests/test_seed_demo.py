import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from accounts.models import Department, Guardianship, User
from accounts.roles import Role
from complaints.models import Complaint, ComplaintEvent
from complaints.states import State
from courses.models import Course, Enrolment, Instructor
from incentives.models import Award, Reward
from privacy.models import PolicyConsent
from privacy.selectors import policy_version_current
from reviews.models import Review, ReviewDecision

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        "users": sorted(
            User.objects.values_list(
                "email", "display_name", "mobile", "department__code", "is_staff", "password"
            )
        ),
        "roles": sorted(User.groups.through.objects.values_list("user__email", "group__name")),
        "departments": sorted(Department.objects.values_list("code", "name", "name_en", "supervisor__email")),
        "guardianships": sorted(Guardianship.objects.values_list("guardian__email", "learner__email")),
        "instructors": sorted(Instructor.objects.values_list("name", "title", "user__email")),
        "courses": sorted(Course.objects.values_list("code", "title", "price")),
        "course_teachers": sorted(
            Course.instructors.through.objects.values_list("course__code", "instructor__name")
        ),
        "enrolments": sorted(
            Enrolment.objects.values_list(
                "learner__email", "course__code", "start_date", "valid_until", "amount_paid"
            )
        ),
        "groups": sorted(Group.objects.values_list("name", flat=True)),
        "complaints": sorted(Complaint.objects.values_list("reference", "state", "title", "owner__email")),
        "events": ComplaintEvent.objects.count(),
        "reviews": sorted(Review.objects.values_list("kind", "held_on", "findings")),
        "review_decisions": sorted(ReviewDecision.objects.values_list("change", "state")),
        "awards": sorted(Award.objects.values_list("learner__email", "reason", "points")),
        "rewards": sorted(Reward.objects.values_list("learner__email", "reference", "code")),
        "policy_consents": sorted(
            PolicyConsent.objects.values_list("user__email", "policy_version__version", "accepted_at")
        ),
    }


def test_seed_demo_twice_gives_the_same_data(capsys):
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first


def test_seed_demo_covers_every_role_and_a_parent_with_a_child(capsys):
    call_command("seed_demo")
    for role in Role:
        assert User.objects.filter(groups__name=role).exists(), role
    assert Department.objects.count() == 7
    guardianship = Guardianship.objects.get()
    assert guardianship.guardian.has_role(Role.PARENT)
    assert guardianship.learner.enrolments.exists()
    assert Enrolment.objects.values("learner").distinct().count() >= 5
    output = capsys.readouterr().out
    assert "agent@demo.edu.cn" in output
    assert "learner@demo.edu.cn" in output


def test_demo_accounts_can_log_in(client, capsys):
    call_command("seed_demo")
    from django.conf import settings

    assert client.login(username="learner@demo.edu.cn", password=settings.DEMO_PASSWORD)


def test_every_demo_account_has_accepted_the_current_policy_and_goes_straight_in(client, capsys, settings):
    call_command("seed_demo")
    current = policy_version_current()
    demo_users = User.objects.filter(email__endswith="@demo.edu.cn")

    assert demo_users.count() == 20
    for user in demo_users:
        assert PolicyConsent.objects.filter(user=user, policy_version=current).count() == 1, user.email
        assert client.login(username=user.email, password=settings.DEMO_PASSWORD)
        response = client.get("/notifications/")
        assert response.status_code == 200, user.email
        client.logout()


def test_any_other_account_still_has_to_accept_the_policy_after_the_demo_is_seeded(client, capsys):
    call_command("seed_demo")
    newcomer = User.objects.create_user("new@example.edu.cn", "a-long-test-password", display_name="新人")

    client.force_login(newcomer)
    response = client.get("/notifications/")

    assert response.status_code == 302
    assert response["Location"].startswith("/privacy/accept/")
    assert not PolicyConsent.objects.filter(user=newcomer).exists()


@override_settings(DEMO_DATA_ALLOWED=False)
def test_seed_demo_refuses_where_demo_data_is_not_allowed():
    with pytest.raises(CommandError, match="not allowed"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_the_demo_has_complaints_in_every_state(capsys):
    call_command("seed_demo")
    assert set(Complaint.objects.values_list("state", flat=True)) == set(State.values)
    # a parent's complaint for their child, and an appeal that went through the services
    parent = {"complainant__email": "parent@demo.edu.cn", "learner__email": "child@demo.edu.cn"}
    assert Complaint.objects.filter(**parent).exists()
    assert ComplaintEvent.objects.filter(kind="appeal").exists()


def test_demo_staff_pass_the_second_factor_with_the_demo_key_printed_for_them(capsys):
    from django.conf import settings
    from django.test import Client

    call_command("seed_demo")
    output = capsys.readouterr().out
    assert settings.DEMO_TOTP_SECRET in output
    call_command("demo_code")
    code = capsys.readouterr().out.strip()

    client = Client()
    response = client.post(
        "/admin/login/", {"username": "agent@demo.edu.cn", "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302  # the password alone does not open the admin
    verified = client.post("/accounts/second-factor/", {"code": code, "next": "/admin/"})

    assert verified.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_demo_has_reviews_with_decisions_and_a_learner_with_a_reward(capsys):
    call_command("seed_demo")

    assert set(Review.objects.values_list("kind", flat=True)) == {"process", "complaints"}
    assert ReviewDecision.objects.filter(state="open").exists()
    assert ReviewDecision.objects.filter(state="done").exists()
    assert Review.objects.get(kind="complaints").figures["filed"] >= 1
    assert Reward.objects.filter(learner__email="learner@demo.edu.cn").count() == 1


def test_the_demo_has_refund_requests_at_each_decision(capsys):
    from refunds.models import RefundRequest

    call_command("seed_demo")
    states = dict(RefundRequest.objects.values_list("enrolment__learner__email", "state"))
    assert states == {
        "learner2@demo.edu.cn": "submitted",
        "learner4@demo.edu.cn": "pending_approval",
        "learner5@demo.edu.cn": "refused",
        "child@demo.edu.cn": "paid",
    }
    assert RefundRequest.objects.get(state="paid").filed_by.email == "parent@demo.edu.cn"
