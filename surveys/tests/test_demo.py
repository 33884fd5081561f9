import pytest
from django.core.management import call_command

from surveys.models import Invitation, Response, Survey

pytestmark = pytest.mark.django_db


def test_the_demo_survey_is_open_with_two_answers_and_seeding_again_adds_nothing(capsys):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)

    survey = Survey.objects.get()
    assert survey.state == Survey.State.OPEN
    assert Response.objects.filter(survey=survey).count() == 2
    assert Invitation.objects.filter(survey=survey, learner__email="learner@demo.edu.cn").exists()
