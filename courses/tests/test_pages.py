"""The course pages on a phone: the public course page, evaluating from "my courses", suggesting and
supporting, the owners' answers, and the instructor's results with their replies; what they show, refuse and
cost in queries."""

import pytest
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory, UserFactory
from courses.evaluations.models import CourseEvaluation
from courses.evaluations.services import evaluation_text_moderate, question_field
from courses.suggestions.models import State, SuggestionSupport, UpdateSuggestion
from courses.suggestions.services import suggestion_mark_done, suggestion_support
from notifications.models import Notification
from ratings.models import Rating
from ratings.services import rating_comment_moderate, ratings_refresh

from .evaluation_helpers import evaluate, full_answers
from .factories import (
    CompletedEnrolmentFactory,
    CourseFactory,
    EnrolmentFactory,
    InstructorFactory,
    TermFactory,
    UpdateSuggestionFactory,
)
from .test_evaluations import moderator

pytestmark = pytest.mark.django_db


def client_of(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def teacher_of(course):
    account = UserFactory(roles=[Role.INSTRUCTOR])
    course.instructors.add(InstructorFactory(user=account, name="周老师"))
    return account


# --- the public course page ----------------------------------------------------------------------------


@pytest.mark.parametrize(("evaluations", "shown"), [(4, False), (5, True)])
def test_the_public_page_shows_the_rating_and_its_count_only_from_five(evaluations, shown):
    course = CourseFactory(title="Python 编程入门", description="零基础学习。")
    teacher_of(course)
    for _ in range(evaluations):
        evaluate(course, score=4)
    ratings_refresh()

    page = client_of().get(f"/courses/{course.code}/")

    assert page.status_code == 200
    body = page.content.decode()
    assert "零基础学习。" in body and "周老师" in body
    assert ("<strong>4.00</strong> / 5" in body and "（5 条评价）" in body) is shown
    assert ("评价尚不足 5 条" in body) is not shown


def test_the_public_page_shows_published_comments_with_replies_and_never_the_rater():
    course = CourseFactory()
    teacher = teacher_of(course)
    evaluation = evaluate(course, score=5, comment="案例贴近工作。")
    hidden = evaluate(course, score=1, comment="待审核的评语")
    rating_comment_moderate(rating=evaluation.rating, actor=moderator(), publish=True)
    from ratings.services import rating_reply

    rating_reply(rating=evaluation.rating, actor=teacher, text="谢谢，会继续补充案例。")

    body = client_of().get(f"/courses/{course.code}/").content.decode()

    assert "案例贴近工作。" in body and "谢谢，会继续补充案例。" in body
    assert "待审核的评语" not in body
    assert evaluation.enrolment.learner.display_name not in body
    assert hidden.enrolment.learner.display_name not in body


def test_the_public_page_lists_the_change_log_and_open_suggestions_with_support_buttons():
    course = CourseFactory()
    owner = teacher_of(course)
    landed = UpdateSuggestionFactory(course=course, text="更新截图")
    suggestion_mark_done(suggestion=landed, actor=owner, version="2.0")
    open_one = UpdateSuggestionFactory(course=course, text="增加 pandas 一章")
    learner = EnrolmentFactory(course=course).learner

    body = client_of(learner).get(f"/courses/{course.code}/").content.decode()

    assert "版本 2.0" in body and landed.reference in body
    assert "增加 pandas 一章" in body
    assert f"/courses/suggestions/{open_one.reference}/support/" in body
    assert open_one.proposer.display_name not in body
    # a visitor who is no learner of the course sees no button
    assert "/support/" not in client_of().get(f"/courses/{course.code}/").content.decode()


def test_the_public_page_costs_the_same_queries_whatever_its_lists_hold(django_assert_num_queries):
    course = CourseFactory()
    owner = teacher_of(course)
    learner = EnrolmentFactory(course=course).learner
    client = client_of(learner)
    url = f"/courses/{course.code}/"

    def add_one_of_each(number):
        suggestion = UpdateSuggestionFactory(course=course)
        suggestion_support(suggestion=suggestion, actor=learner)
        suggestion_mark_done(
            suggestion=UpdateSuggestionFactory(course=course), actor=owner, version=f"1.{number}"
        )
        evaluation = evaluate(course, comment=f"评语{number}")
        rating_comment_moderate(rating=evaluation.rating, actor=moderator(), publish=True)

    add_one_of_each(0)
    client.get(url)
    with django_assert_num_queries(16) as one:
        client.get(url)
    for number in range(1, 6):
        add_one_of_each(number)
    ratings_refresh()
    with django_assert_num_queries(len(one.captured_queries)):
        body = client.get(url).content.decode()
    assert body.count('class="card complaint-card"') == 6


def test_an_unknown_or_closed_course_is_not_found():
    assert client_of().get("/courses/NO-SUCH/").status_code == 404
    closed = CourseFactory(is_active=False)
    assert client_of().get(f"/courses/{closed.code}/").status_code == 404


# --- evaluating from "my courses" --------------------------------------------------------------------------


def test_my_courses_offers_the_evaluation_only_when_eligible_and_says_why_not():
    learner = LearnerFactory()
    done = CompletedEnrolmentFactory(learner=learner, course=CourseFactory(lesson_count=10))
    started = EnrolmentFactory(learner=learner, course=CourseFactory(lesson_count=10), lessons_taken=3)

    body = client_of(learner).get("/refunds/courses/").content.decode()

    assert f"/courses/enrolments/{done.pk}/evaluate/" in body
    assert f"/courses/enrolments/{started.pk}/evaluate/" not in body
    assert "您已上 3 课时" in body


def test_a_learner_evaluates_on_the_page_once(settings):
    course = CourseFactory()
    enrolment = CompletedEnrolmentFactory(course=course)
    client = client_of(enrolment.learner)
    url = f"/courses/enrolments/{enrolment.pk}/evaluate/"
    form = {**full_answers(course, score=4), "score": 4, "comment": "很好"}

    assert client.get(url).status_code == 200
    response = client.post(url, form)

    assert response.status_code == 302
    assert CourseEvaluation.objects.filter(enrolment=enrolment).count() == 1
    again = client.post(url, {**form, "score": 1})
    assert again.status_code == 409
    assert "您已评价过这门课程" in again.content.decode()
    assert Rating.objects.get().score == 4


def test_a_learner_who_has_not_finished_sees_why_and_cannot_send():
    course = CourseFactory(lesson_count=20)
    enrolment = EnrolmentFactory(course=course, lessons_taken=5)
    client = client_of(enrolment.learner)
    url = f"/courses/enrolments/{enrolment.pk}/evaluate/"

    page = client.get(url)
    response = client.post(url, {**full_answers(course), "score": 5})

    assert "您已上 5 课时" in page.content.decode()
    assert 'name="score"' not in page.content.decode()
    assert response.status_code == 409
    assert CourseEvaluation.objects.count() == Rating.objects.count() == 0


def test_a_missing_answer_is_shown_next_to_its_question_and_nothing_is_stored():
    course = CourseFactory()
    enrolment = CompletedEnrolmentFactory(course=course)
    answers = full_answers(course)
    missing = next(iter(answers))
    del answers[missing]

    response = client_of(enrolment.learner).post(
        f"/courses/enrolments/{enrolment.pk}/evaluate/", {**answers, "score": 4}
    )

    assert response.status_code == 400
    assert f'id="id_{missing}_error"' in response.content.decode()
    assert CourseEvaluation.objects.count() == Rating.objects.count() == 0


def test_another_learners_enrolment_is_not_found():
    enrolment = CompletedEnrolmentFactory()
    other = LearnerFactory()
    assert client_of(other).get(f"/courses/enrolments/{enrolment.pk}/evaluate/").status_code == 404


# --- suggestions ---------------------------------------------------------------------------------------


def test_a_learner_suggests_an_error_in_a_chapter_and_another_supports_it():
    course = CourseFactory()
    proposer = EnrolmentFactory(course=course).learner
    response = client_of(proposer).post(
        f"/courses/{course.code}/suggest/", {"kind": "chapter_error", "chapter": "3", "text": "第3章公式有误"}
    )
    suggestion = UpdateSuggestion.objects.get()
    assert response["Location"] == f"/courses/suggestions/{suggestion.reference}/"
    assert (suggestion.kind, suggestion.chapter) == ("chapter_error", 3)

    supporter = EnrolmentFactory(course=course).learner
    client = client_of(supporter)
    assert "支持这条建议" in client.get(f"/courses/suggestions/{suggestion.reference}/").content.decode()
    client.post(f"/courses/suggestions/{suggestion.reference}/support/")
    client.post(f"/courses/suggestions/{suggestion.reference}/support/")
    assert SuggestionSupport.objects.filter(suggestion=suggestion).count() == 1


def test_an_error_without_its_chapter_is_refused_next_to_the_field():
    course = CourseFactory()
    proposer = EnrolmentFactory(course=course).learner
    response = client_of(proposer).post(
        f"/courses/{course.code}/suggest/", {"kind": "chapter_error", "text": "有误"}
    )
    assert response.status_code == 400
    assert 'id="id_chapter_error"' in response.content.decode()
    assert UpdateSuggestion.objects.count() == 0


def test_only_learners_of_the_course_open_the_suggestion_form():
    course = CourseFactory()
    assert client_of(LearnerFactory()).get(f"/courses/{course.code}/suggest/").status_code == 403


def test_an_owner_answers_on_the_suggestions_page_and_a_decline_needs_its_reason():
    course = CourseFactory()
    suggestion = UpdateSuggestionFactory(course=course)
    owner = StaffFactory(department=course.department)
    client = client_of(owner)
    page = client.get(f"/courses/suggestions/{suggestion.reference}/").content.decode()
    assert 'id="answer-decline"' in page

    refused = client.post(
        f"/courses/suggestions/{suggestion.reference}/answer/decline/", {"decline-reason": ""}
    )
    assert refused.status_code == 400
    assert 'id="id_decline-reason_error"' in refused.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.state == State.OPEN
    assert Notification.objects.count() == 0

    done = client.post(
        f"/courses/suggestions/{suggestion.reference}/answer/done/", {"done-version": "2.1", "done-note": ""}
    )
    assert done.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.version.number) == (State.DONE, "2.1")


def test_someone_who_does_not_own_the_course_cannot_answer():
    course = CourseFactory()
    suggestion = UpdateSuggestionFactory(course=course)
    for person in (EnrolmentFactory(course=course).learner, StaffFactory()):
        client = client_of(person)
        assert (
            'id="answer-' not in client.get(f"/courses/suggestions/{suggestion.reference}/").content.decode()
        )
        response = client.post(f"/courses/suggestions/{suggestion.reference}/answer/accept/", {})
        assert response.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.state == State.OPEN


# --- the instructor's results ------------------------------------------------------------------------------


@pytest.mark.parametrize(("evaluations", "shown"), [(4, False), (5, True)])
def test_the_instructor_sees_results_only_from_five_evaluations(evaluations, shown):
    course = CourseFactory(title="数据分析实战")
    teacher = teacher_of(course)
    term = TermFactory(name="2026年春季学期")
    for _ in range(evaluations):
        evaluate(course, score=2, term=term)
    ratings_refresh()

    body = client_of(teacher).get("/courses/my-evaluations/").content.decode()

    assert ("2026年春季学期" in body and "5 份评估" in body) is shown
    assert ("暂无结果" in body) is not shown


def test_the_instructor_replies_in_public_to_a_published_comment():
    course = CourseFactory()
    teacher = teacher_of(course)
    evaluation = evaluate(course, comment="作业量偏大。")
    rating_comment_moderate(rating=evaluation.rating, actor=moderator(), publish=True)
    client = client_of(teacher)
    url = f"/courses/my-evaluations/comments/{evaluation.rating.pk}/reply/"

    empty = client.post(url, {f"reply-{evaluation.rating.pk}-text": ""})
    assert empty.status_code == 400
    assert client.post(url, {f"reply-{evaluation.rating.pk}-text": "下学期会调整。"}).status_code == 302

    evaluation.rating.refresh_from_db()
    assert (evaluation.rating.reply, evaluation.rating.replied_by) == ("下学期会调整。", teacher)
    # an instructor of another course finds no such comment
    other = teacher_of(CourseFactory())
    assert client_of(other).post(url, {f"reply-{evaluation.rating.pk}-text": "x"}).status_code == 404


def test_the_results_page_costs_the_same_queries_whatever_it_shows(django_assert_num_queries):
    teacher = teacher_of(CourseFactory())
    terms = (TermFactory(), TermFactory())

    def evaluated_course():
        course = CourseFactory()
        course.instructors.add(teacher.instructor_profile)
        for term in terms:
            for _ in range(5):
                evaluation = evaluate(course, term=term, comment="不错", text="很好")
                rating_comment_moderate(rating=evaluation.rating, actor=moderator(), publish=True)
                for text in evaluation.texts.all():
                    evaluation_text_moderate(text=text, actor=moderator(), publish=True)
        ratings_refresh()

    evaluated_course()
    client = client_of(teacher)
    client.get("/courses/my-evaluations/")
    with django_assert_num_queries(15) as one:
        client.get("/courses/my-evaluations/")
    for _course in range(2):
        evaluated_course()
    with django_assert_num_queries(len(one.captured_queries)):
        body = client.get("/courses/my-evaluations/").content.decode()
    assert body.count("result-group") == 3 * 2 + 2


def test_only_instructors_open_the_results():
    assert client_of(LearnerFactory()).get("/courses/my-evaluations/").status_code == 403
    assert client_of(UserFactory(roles=[Role.INSTRUCTOR])).get("/courses/my-evaluations/").status_code == 403


def test_my_courses_costs_the_same_queries_with_evaluations(django_assert_num_queries):
    learner = LearnerFactory()
    CompletedEnrolmentFactory(learner=learner)
    client = client_of(learner)
    client.get("/refunds/courses/")
    with django_assert_num_queries(9) as one:  # with the courses' promises, one query
        client.get("/refunds/courses/")
    for _ in range(4):
        done = CompletedEnrolmentFactory(learner=learner)
        from courses.evaluations.services import evaluation_submit

        evaluation_submit(enrolment=done, actor=learner, score=3, answers=full_answers(done.course))
    with django_assert_num_queries(len(one.captured_queries)):
        client.get("/refunds/courses/")


def test_question_fields_are_named_by_question():
    course = CourseFactory()
    assert all(name.startswith("question_") for name in full_answers(course))
    assert question_field  # the helper the forms and the API share
