"""Course evaluations: who may evaluate and when, once per enrolment, the questionnaire's answers, the
moderation of free text, and the results under the ratings module's rule (k evaluations, batched)."""

import pytest
from django.db import IntegrityError, transaction

from accounts.roles import Role
from accounts.tests.factories import GuardianshipFactory, LearnerFactory, StaffFactory, UserFactory
from courses.errors import (
    AlreadyEvaluated,
    CoursePermissionDenied,
    EvaluationInvalid,
    NotAwaitingModeration,
    NotEligibleToEvaluate,
)
from courses.evaluations.models import (
    CourseEvaluation,
    EvaluationQuestion,
    EvaluationScore,
    EvaluationTemplate,
    EvaluationText,
    QuestionKind,
    TextState,
)
from courses.evaluations.selectors import (
    evaluation_eligibility,
    evaluation_questions,
    evaluation_results,
    evaluation_template_for,
    lessons_needed,
)
from courses.evaluations.services import evaluation_submit, evaluation_text_moderate, question_field
from notifications.models import Notification
from ratings.models import CommentState, Rating
from ratings.selectors import summary_published
from ratings.services import ratings_refresh

from .evaluation_helpers import evaluate, full_answers
from .factories import (
    CompletedEnrolmentFactory,
    CourseFactory,
    EnrolmentFactory,
    InstructorFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db


def written() -> dict[str, int]:
    return {
        "evaluations": CourseEvaluation.objects.count(),
        "ratings": Rating.objects.count(),
        "scores": EvaluationScore.objects.count(),
        "texts": EvaluationText.objects.count(),
        "notices": Notification.objects.count(),
    }


NOTHING = {"evaluations": 0, "ratings": 0, "scores": 0, "texts": 0, "notices": 0}


def test_the_default_questionnaire_is_seeded_with_scored_and_free_text_questions():
    template = EvaluationTemplate.objects.get(is_default=True)
    kinds = [question.kind for question in evaluation_questions(template)]
    assert kinds.count(QuestionKind.LIKERT) == 6
    assert kinds.count(QuestionKind.TEXT) == 2


@pytest.mark.parametrize(("taken", "allowed"), [(0, False), (28, False), (29, True), (36, True)])
def test_a_learner_evaluates_once_past_the_share_of_lessons(settings, taken, allowed):
    # given a course of 36 lessons, evaluated once 80 % (29) are taken
    settings.COURSE_EVALUATION_MIN_SHARE = 80
    course = CourseFactory(lesson_count=36)
    enrolment = EnrolmentFactory(course=course, lessons_taken=taken)
    assert lessons_needed(course) == 29

    # when / then
    eligibility = evaluation_eligibility(enrolment=enrolment, user=enrolment.learner)
    assert eligibility.allowed is allowed
    if allowed:
        evaluation_submit(enrolment=enrolment, actor=enrolment.learner, score=4, answers=full_answers(course))
        assert CourseEvaluation.objects.filter(enrolment=enrolment).count() == 1
    else:
        assert eligibility.code == "not_far_enough"
        assert f"您已上 {taken} 课时，共 36 课时：上满 29 课时" in eligibility.reason
        with pytest.raises(NotEligibleToEvaluate) as refused:
            evaluation_submit(
                enrolment=enrolment, actor=enrolment.learner, score=4, answers=full_answers(course)
            )
        assert refused.value.code == "not_far_enough"
        assert written() == NOTHING


def test_only_a_completed_course_is_evaluated_when_the_share_is_all_of_it(settings):
    settings.COURSE_EVALUATION_MIN_SHARE = 100
    course = CourseFactory(lesson_count=10)
    almost = EnrolmentFactory(course=course, lessons_taken=9)
    with pytest.raises(NotEligibleToEvaluate):
        evaluation_submit(enrolment=almost, actor=almost.learner, score=5, answers=full_answers(course))
    assert written() == NOTHING


def test_a_second_evaluation_of_the_enrolment_is_refused_and_changes_nothing():
    # given an evaluation of the enrolment
    course = CourseFactory()
    enrolment = CompletedEnrolmentFactory(course=course)
    first = evaluation_submit(
        enrolment=enrolment,
        actor=enrolment.learner,
        score=2,
        comment="讲得太快。",
        answers=full_answers(course, score=2),
    )
    before = written()

    # when the learner tries again
    with pytest.raises(AlreadyEvaluated):
        evaluation_submit(
            enrolment=enrolment, actor=enrolment.learner, score=5, answers=full_answers(course, score=5)
        )

    # then nothing changed: the first evaluation stands as it was
    assert written() == before
    first.rating.refresh_from_db()
    assert (first.rating.score, first.rating.comment) == (2, "讲得太快。")
    assert set(EvaluationScore.objects.values_list("score", flat=True)) == {2}
    assert evaluation_eligibility(enrolment=enrolment, user=enrolment.learner).code == "already_evaluated"


def test_the_database_keeps_one_evaluation_per_enrolment():
    course = CourseFactory()
    first = evaluate(course)
    with pytest.raises(IntegrityError, match="evaluation_once_per_enrolment"), transaction.atomic():
        CourseEvaluation.objects.create(
            enrolment=first.enrolment,
            course=course,
            template=first.template,
            rating=Rating.objects.create(
                subject_type_id=first.rating.subject_type_id,
                subject_id=course.pk,
                source_type_id=first.rating.source_type_id,
                source_id=first.enrolment.pk + 1000,
                score=3,
            ),
        )


@pytest.mark.parametrize("who", ["another learner", "guardian", "instructor", "staff"])
def test_only_the_learner_of_the_enrolment_evaluates_it(who):
    course = CourseFactory()
    enrolment = CompletedEnrolmentFactory(course=course)
    instructor_account = UserFactory(roles=[Role.INSTRUCTOR])
    course.instructors.add(InstructorFactory(user=instructor_account))
    actor = {
        "another learner": lambda: CompletedEnrolmentFactory(course=course).learner,
        "guardian": lambda: GuardianshipFactory(learner=enrolment.learner).guardian,
        "instructor": lambda: instructor_account,
        "staff": lambda: StaffFactory(department=course.department, roles=[Role.SUPERVISOR]),
    }[who]()
    before = written()
    with pytest.raises(CoursePermissionDenied):
        evaluation_submit(enrolment=enrolment, actor=actor, score=5, answers=full_answers(course))
    assert written() == before


def test_every_required_question_is_answered_with_a_score_from_1_to_5():
    course = CourseFactory()
    enrolment = CompletedEnrolmentFactory(course=course)
    first, second = [q for q in evaluation_questions(evaluation_template_for(course)) if q.kind == "likert"][
        :2
    ]
    answers = full_answers(course)
    del answers[question_field(first)]
    answers[question_field(second)] = 6
    with pytest.raises(EvaluationInvalid) as refused:
        evaluation_submit(enrolment=enrolment, actor=enrolment.learner, score=4, answers=answers)
    assert refused.value.field == question_field(first)
    answers[question_field(first)] = 3
    with pytest.raises(EvaluationInvalid) as refused:
        evaluation_submit(enrolment=enrolment, actor=enrolment.learner, score=4, answers=answers)
    assert refused.value.field == question_field(second)
    with pytest.raises(EvaluationInvalid) as refused:
        evaluation_submit(enrolment=enrolment, actor=enrolment.learner, score=0, answers=full_answers(course))
    assert refused.value.field == "score"
    with pytest.raises(EvaluationInvalid) as refused:
        evaluation_submit(
            enrolment=enrolment,
            actor=enrolment.learner,
            score=4,
            answers={**full_answers(course), "question_999999": 3},
        )
    assert refused.value.field == "question_999999"
    assert written() == NOTHING


def test_the_overall_score_is_a_rating_of_the_course_whose_comment_waits_for_moderation():
    course = CourseFactory()
    evaluation = evaluate(course, score=3, comment="案例很实用。", text="多一些练习。")
    rating = evaluation.rating
    assert (rating.subject, rating.source, rating.score) == (course, evaluation.enrolment, 3)
    assert rating.comment_state == CommentState.PENDING
    assert set(evaluation.texts.values_list("state", flat=True)) == {TextState.PENDING}
    assert evaluation.scores.count() == 6
    assert evaluation.texts.count() == 2


def test_a_course_may_pick_its_own_questionnaire():
    template = EvaluationTemplate.objects.create(name="实训课评估")
    own = EvaluationQuestion.objects.create(
        template=template, position=1, kind=QuestionKind.LIKERT, text="实训设备充足"
    )
    course = CourseFactory(evaluation_template=template)
    evaluation = evaluate(course, score=5)
    assert evaluation.template == template
    assert list(evaluation.scores.values_list("question", "score")) == [(own.pk, 5)]


# --- moderation of free text ---------------------------------------------------------------------------


def moderator():
    from django.contrib.auth.models import Permission

    person = StaffFactory(roles=[Role.MANAGER])
    person.user_permissions.add(Permission.objects.get(codename="moderate_rating"))
    return type(person).objects.get(pk=person.pk)


def test_a_moderator_publishes_or_rejects_a_text_with_a_reason():
    course = CourseFactory()
    first, second = evaluate(course, text="例题讲解清楚。").texts.order_by("question__position")
    person = moderator()

    with pytest.raises(EvaluationInvalid) as refused:
        evaluation_text_moderate(text=second, actor=person, publish=False, reason="  ")
    assert refused.value.field == "reason"
    second.refresh_from_db()
    assert second.state == TextState.PENDING

    published = evaluation_text_moderate(text=first, actor=person, publish=True)
    rejected = evaluation_text_moderate(text=second, actor=person, publish=False, reason="含有个人信息")
    assert (published.state, published.moderated_by) == (TextState.PUBLISHED, person)
    assert (rejected.state, rejected.moderation_reason) == (TextState.REJECTED, "含有个人信息")
    with pytest.raises(NotAwaitingModeration):
        evaluation_text_moderate(text=first, actor=person, publish=False, reason="重复")


def test_nobody_moderates_a_text_about_their_own_course_and_learners_never_do():
    course = CourseFactory()
    text = evaluate(course, text="希望增加实例。").texts.first()
    teacher = moderator()
    course.instructors.add(InstructorFactory(user=teacher))
    for actor in (teacher, LearnerFactory()):
        with pytest.raises(CoursePermissionDenied):
            evaluation_text_moderate(text=text, actor=actor, publish=True)
    text.refresh_from_db()
    assert (text.state, text.moderated_by) == (TextState.PENDING, None)


# --- results under the k rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(("evaluations", "shown"), [(4, False), (5, True)])
def test_results_are_hidden_below_five_evaluations(evaluations, shown):
    # given a course evaluated by 4 (or 5) learners in a term, folded into the summary by one refresh
    course = CourseFactory()
    term = TermFactory()
    for score in (1, 2, 3, 4, 5)[:evaluations]:
        evaluate(course, score=score, term=term)
    assert ratings_refresh() == 1

    # then the published rating and the question results appear only at 5
    summary = summary_published(course)
    groups = [group for group in evaluation_results(course_ids=[course.pk]) if group.course is not None]
    if not shown:
        assert summary is None
        assert groups == []
        return
    assert (summary.count, summary.mean) == (5, 3)
    (group,) = groups
    assert (group.course, group.term, group.evaluations) == (course, term, 5)
    assert [item.answers for item in group.items] == [5] * 6
    assert {item.mean for item in group.items} == {3}
    assert {(item.low, item.high) for item in group.items} == {(2, 2)}


def test_results_count_only_the_evaluations_the_published_summary_counts():
    # given five evaluations folded in, and two more waiting for the next batch
    course = CourseFactory()
    for _ in range(5):
        evaluate(course, score=5)
    ratings_refresh()
    for _ in range(2):
        evaluate(course, score=1)
    assert ratings_refresh() == 0  # two wait: fewer than a batch

    # then neither the summary nor the question results move by them
    (group,) = [group for group in evaluation_results(course_ids=[course.pk]) if group.course is not None]
    assert group.evaluations == summary_published(course).count == 5
    assert {item.mean for item in group.items} == {5}


def test_results_list_the_lowest_items_first_and_name_weaknesses_and_strengths():
    course = CourseFactory()
    questions = [q for q in evaluation_questions(evaluation_template_for(course)) if q.kind == "likert"]
    weak, strong = questions[2], questions[0]
    for _ in range(5):
        enrolled = CompletedEnrolmentFactory(course=course)
        answers = full_answers(course, score=4)
        answers[question_field(weak)] = 2
        answers[question_field(strong)] = 5
        evaluation_submit(enrolment=enrolled, actor=enrolled.learner, score=4, answers=answers)
    ratings_refresh()
    (group,) = [group for group in evaluation_results(course_ids=[course.pk]) if group.course is not None]
    assert group.items[0].question_id == weak.pk
    assert (group.items[0].low, group.items[0].is_weakness) == (5, True)
    assert group.items[-1].question_id == strong.pk
    assert (group.items[-1].high, group.items[-1].is_strength) == (5, True)


def test_an_instructors_results_add_up_their_courses_per_term_and_show_published_texts_only():
    # given two courses of one instructor, in two terms
    teacher = InstructorFactory()
    python, data = CourseFactory(), CourseFactory()
    for course in (python, data):
        course.instructors.add(teacher)
    autumn, spring = TermFactory(name="2025年秋季学期"), TermFactory(name="2026年春季学期")
    texts = []
    for course, term, score in ((python, autumn, 4), (data, autumn, 2), (python, spring, 5)):
        for _ in range(5):
            texts += evaluate(course, score=score, term=term, text="内容扎实。").texts.all()
    ratings_refresh()
    person = moderator()
    evaluation_text_moderate(text=texts[0], actor=person, publish=True)

    groups = evaluation_results(course_ids=[python.pk, data.pk])

    by_key = {(group.course, group.term): group for group in groups}
    assert by_key[(None, autumn)].evaluations == 10
    assert {item.mean for item in by_key[(None, autumn)].items} == {3}
    assert by_key[(None, spring)].evaluations == 5
    assert by_key[(python, autumn)].evaluations == by_key[(data, autumn)].evaluations == 5
    # the one published text, in its course and term only
    assert [text["text"] for text in by_key[(python, autumn)].texts] == ["内容扎实。"]
    assert by_key[(data, autumn)].texts == by_key[(python, spring)].texts == []
