import pytest

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from courses.tests.factories import EnrolmentFactory, InstructorFactory
from surveys.answers import answer_slots, answers_clean
from surveys.models import Answer, Invitation
from surveys.selectors import free_text_for_user, survey_results
from surveys.services import answer_review, response_submit

from .conftest import full_answers

pytestmark = pytest.mark.django_db


def answer_all(world, count, **kwargs):
    for learner in world["learners"][:count]:
        invitation = Invitation.objects.get(survey=world["survey"], learner=learner, course=world["course"])
        slots = answer_slots(survey=world["survey"], course_id=invitation.course_id)
        response_submit(
            invitation=invitation,
            answers=answers_clean(slots=slots, raw=full_answers(world, **kwargs)),
            actor=learner,
        )


@pytest.mark.parametrize("by", ["course", "instructor", "school_class"])
def test_four_responses_are_hidden_at_threshold_five(opened, by):
    answer_all(opened, 4)

    rows = survey_results(surveys=[opened["survey"].pk], by=by)

    assert rows and all(row.suppressed and row.mean_score is None and row.responses is None for row in rows)


def test_five_responses_are_shown_with_their_mean_per_course_and_per_instructor(opened):
    answer_all(opened, 5, score=3)

    (course,) = survey_results(surveys=[opened["survey"].pk], by="course")
    by_teacher = {
        row.instructor_id: row for row in survey_results(surveys=[opened["survey"].pk], by="instructor")
    }

    assert not course.suppressed and course.responses == 5
    # likert 3 and two per-teacher answers (3 and 5) per response: (3 + 3 + 5) / 3
    assert course.mean_score == round((3 + 3 + 5) / 3, 2)
    first, second = opened["teachers"]
    assert by_teacher[first.pk].mean_score == 3.0 and by_teacher[second.pk].mean_score == 5.0


def test_results_take_one_query(opened, django_assert_num_queries):
    answer_all(opened, 5)
    with django_assert_num_queries(1):
        survey_results(surveys=[opened["survey"].pk], by="school_class")


def test_free_text_is_hidden_from_the_instructor_until_approved(opened):
    answer_all(opened, 5, text="希望多一些练习")
    teacher = opened["teachers"][0].user
    survey = opened["survey"]

    assert list(free_text_for_user(user=teacher, survey=survey)) == []
    assert free_text_for_user(user=opened["manager"], survey=survey).count() == 5

    first = Answer.objects.filter(survey=survey).exclude(review="").first()
    answer_review(answer=first, approve=True, actor=opened["manager"])

    assert list(free_text_for_user(user=teacher, survey=survey)) == [first]
    assert list(free_text_for_user(user=LearnerFactory(), survey=survey)) == []


def test_approved_free_text_stays_hidden_from_the_instructor_below_the_threshold(opened):
    answer_all(opened, 4)
    for answer in Answer.objects.exclude(review=""):
        answer_review(answer=answer, approve=True, actor=opened["manager"])
    assert list(free_text_for_user(user=opened["teachers"][0].user, survey=opened["survey"])) == []


def test_an_instructor_of_another_course_sees_no_free_text(opened):
    answer_all(opened, 5)
    for answer in Answer.objects.exclude(review=""):
        answer_review(answer=answer, approve=True, actor=opened["manager"])
    stranger = InstructorFactory(user=StaffFactory(roles=[Role.INSTRUCTOR]))
    opened["other_course"].instructors.set([stranger])
    EnrolmentFactory(course=opened["other_course"])
    assert list(free_text_for_user(user=stranger.user, survey=opened["survey"])) == []
