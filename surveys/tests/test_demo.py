import pytest
from django.core.management import call_command

from surveys.models import Audience, Invitation, Purpose, Response, Survey
from surveys.selectors import opinion_survey_results

pytestmark = pytest.mark.django_db


def test_the_demo_survey_is_open_with_two_answers_and_seeding_again_adds_nothing(capsys):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)

    survey = Survey.objects.get(purpose=Purpose.TERM)
    assert survey.state == Survey.State.OPEN
    assert Response.objects.filter(survey=survey).count() == 2
    assert Invitation.objects.filter(survey=survey, learner__email="learner@demo.edu.cn").exists()


def test_the_demo_opinion_survey_shows_the_learners_results_and_seeding_again_adds_nothing(capsys):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)

    survey = Survey.objects.get(purpose=Purpose.OPINIONS)
    assert survey.state == Survey.State.CLOSED
    assert Response.objects.filter(survey=survey).count() == 5
    asked = set(Invitation.objects.filter(survey=survey).values_list("audience", flat=True))
    assert asked == {Audience.LEARNERS, Audience.TEACHERS, Audience.TEAM}
    first = opinion_survey_results(survey=survey).questions[0]
    assert not first.overall.suppressed and first.overall.responses == 5
    assert [(group.audience, group.suppressed) for group in first.groups] == [(Audience.LEARNERS, False)]
    assert survey.reviews.get().kind == "process"
