"""Every field of the site's forms refuses what it cannot hold: a 400 with the error next to that field, and
nothing stored.

The fields come from each form class, so a field added to a form is tried the day it is added. Each gets what
its kind invites: text one character past its limit, a right-to-left override in a name shown in lists, ids
past what PostgreSQL holds, dates outside the calendar, numbers that are not finite, a choice not offered.
A NUL in any field is refused before any view, for the whole form (core.middleware): a 400 that stores
nothing, with the page's one message.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django import forms
from django.apps import apps
from django.test import Client

from accounts import forms as account_forms
from accounts.roles import Role
from accounts.tests.factories import GuardianshipFactory, StaffFactory
from activities import admin as activity_admin
from activities import forms as activity_forms
from community import forms as community_forms
from complaints import forms as complaint_forms
from complaints.admin import forms as workspace_forms
from complaints.admin.intake_forms import IntakeComplaintForm
from complaints.tests.factories import CategoryFactory, ComplaintFactory
from counseling import forms as counselling_forms
from courses import forms as course_forms
from dashboard.forms import ScopeForm
from helpcentre import forms as help_forms
from livechat import forms as livechat_forms
from privacy.forms import ErasureRequestForm
from privacy.models import AccessLogEntry
from refunds import forms as refund_forms
from reviews.forms import OpinionsSurveyForm
from reviews.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db

# Names shown in lists, where a text-direction control could disguise them: a complaint's title and text, a
# person's name, an improvement action's title.
SHOWN_AS_NAMES = {"title", "display_name"}
SHOWN_AS_NAMES_OF = {(complaint_forms.ComplaintFileForm, "description")}
UNBOUNDED_TEXT = 100_000
MESSAGE_NUL = "The address or the form holds a NUL character, which no field of this site accepts."


def bad_values(form_class: type[forms.Form], name: str, field: forms.Field) -> dict[str, str]:
    """Inputs the field must refuse, by its kind and its limits."""
    if isinstance(field, forms.FileField | forms.BooleanField):
        return {}  # evidence has its own tests; any value of a checkbox is a yes or a no
    if isinstance(field, forms.ModelChoiceField):
        return {"an id past 2**63": "9" * 30, "an id that is not a number": "abc"}
    if isinstance(field, forms.ChoiceField):
        return {"a choice not offered": "x" * 1000}
    if isinstance(field, forms.DateField):
        return {"year 10000": "10000-01-01", "year 0": "0000-01-01", "February 30th": "2026-02-30"}
    if isinstance(field, forms.DecimalField):
        return {"not finite": "1e400", "not a number": "NaN", "10**30": "1" + "0" * 30}
    if isinstance(field, forms.IntegerField):
        values = {"2**63": str(2**63), "-(2**63) - 1": str(-(2**63) - 1)}
        if field.max_value is None or field.max_value < 2**31:  # past a 32-bit column (a 64-bit one holds it)
            values["2**31"] = str(2**31)
        if field.max_value is not None:
            values["one past the maximum"] = str(field.max_value + 1)
        if field.min_value is not None:
            values["one below the minimum"] = str(field.min_value - 1)
        return values
    if isinstance(field, forms.CharField):
        values = {"text past its limit": "长" * ((field.max_length or UNBOUNDED_TEXT) + 1)}
        shown = name in SHOWN_AS_NAMES or any(
            issubclass(form_class, named) and name == field_name for named, field_name in SHOWN_AS_NAMES_OF
        )
        if shown:
            values["a right-to-left override"] = "投诉\u202eexe.txt"
        return values
    return {}


@dataclass(frozen=True)
class Form:
    """One form of the site: where it is sent, by whom, about which complaint state."""

    form_class: type[forms.Form]
    url: Callable[[dict], str]
    # anonymous, learner, parent, manager, superuser (the complaint's owner), leader; for counselling the
    # client of an appointment or its counsellor
    who: str
    method: str = "post"
    state: str = "investigating"
    refund_state: str = ""  # for a refunds form: the state of the refund request it is about
    given: Callable[[dict], dict] = lambda world: {}  # the other fields a form needs to reach its own


def learner_form(form_class, action, state="responded"):
    return Form(
        form_class, lambda w: f"/complaints/{w['complaint'].reference}/{action}/", "learner", state=state
    )


def workspace_form(form_class, action, state="investigating", who="superuser"):
    return Form(
        form_class,
        lambda w: f"/admin/complaints/complaint/{w['complaint'].pk}/workspace/{action}/",
        who,
        state=state,
    )


def refund_move(form_class, move, refund_state="submitted"):
    return Form(
        form_class,
        lambda w: f"/admin/refunds/refundrequest/{w['refund']['request'].pk}/move/{move}/",
        "superuser",
        refund_state=refund_state,
    )


def suggestion_answer(form_class, move):
    return Form(
        form_class,
        lambda w: f"/courses/suggestions/{w['course']['suggestion'].reference}/answer/{move}/",
        "superuser",
    )


FORMS = {
    # A parent's form has every field: it also asks which of their children the complaint is for.
    "filing a complaint": Form(complaint_forms.ComplaintFileForm, lambda w: "/complaints/new/", "parent"),
    "replying to a question": learner_form(complaint_forms.ReplyForm, "reply", "awaiting_complainant"),
    "a message to staff": learner_form(complaint_forms.MessageForm, "message", "investigating"),
    "withdrawing": learner_form(complaint_forms.WithdrawForm, "withdraw", "investigating"),
    "satisfaction": learner_form(complaint_forms.SatisfactionForm, "satisfaction"),
    "rating after closing": learner_form(complaint_forms.SatisfactionForm, "rate", "closed"),
    "appeal": learner_form(complaint_forms.AppealForm, "appeal"),
    "sign-up": Form(account_forms.SignUpForm, lambda w: "/accounts/sign-up/", "anonymous"),
    "name": Form(account_forms.DisplayNameForm, lambda w: "/accounts/me/name/", "learner"),
    "e-mail": Form(account_forms.EmailChangeForm, lambda w: "/accounts/me/email/", "learner"),
    "mobile": Form(account_forms.MobileNumberForm, lambda w: "/accounts/me/mobile/", "learner"),
    "mobile code": Form(account_forms.MobileCodeForm, lambda w: "/accounts/me/mobile/confirm/", "learner"),
    "password": Form(account_forms.PasswordChangeForm, lambda w: "/accounts/me/password/", "learner"),
    "erasure request": Form(ErasureRequestForm, lambda w: "/privacy/my-data/erasure/", "learner"),
    "dashboard filters": Form(ScopeForm, lambda w: "/dashboard/", "manager", method="get"),
    "report request": Form(ScopeForm, lambda w: "/dashboard/reports/", "manager"),
    "staff intake": Form(
        IntakeComplaintForm,
        lambda w: "/admin/complaints/complaint/intake/file/",
        "superuser",
        # for a parent, so that the form also asks which child it is for
        given=lambda w: {"complainant": w["parent"].pk, "stage": "file"},
    ),
    "workspace reply": workspace_form(workspace_forms.TextForm, "reply"),
    "workspace note": workspace_form(workspace_forms.TextForm, "notes"),
    "workspace question": workspace_form(workspace_forms.QuestionForm, "request-information"),
    "workspace response": workspace_form(workspace_forms.ResponseForm, "respond"),
    "workspace resolution": workspace_form(workspace_forms.ResolutionForm, "propose-resolution"),
    # Leadership decides approvals and appeals, and directs work, without having handled the complaint.
    "workspace approval": workspace_form(workspace_forms.ReasonForm, "approve", "pending_approval", "leader"),
    "workspace return": workspace_form(
        workspace_forms.RequiredReasonForm, "return", "pending_approval", "leader"
    ),
    "workspace appeal decision": workspace_form(
        workspace_forms.AppealDecisionForm, "review-appeal", "appealed", "leader"
    ),
    "workspace assignment": workspace_form(workspace_forms.AssignForm, "assign", who="leader"),
    "workspace improvement action": workspace_form(
        workspace_forms.ImprovementActionForm, "improvement-actions"
    ),
    "a refund request": Form(
        refund_forms.RefundRequestForm,
        lambda w: f"/refunds/courses/{w['refund']['enrolment'].pk}/request/",
        "learner",
    ),
    "refund refusal": refund_move(refund_forms.RefuseForm, "refuse"),
    "refund note": refund_move(refund_forms.NoteForm, "note"),
    "refund payment": refund_move(refund_forms.PaymentForm, "record_payment", "approved"),
    # A learner who finished a course evaluates it and suggests an update; its owner (the superuser) answers.
    "a course evaluation": Form(
        course_forms.EvaluationForm,
        lambda w: f"/courses/enrolments/{w['course']['enrolment'].pk}/evaluate/",
        "learner",
    ),
    "a course-update suggestion": Form(
        course_forms.SuggestionForm,
        lambda w: f"/courses/{w['course']['enrolment'].course.code}/suggest/",
        "learner",
    ),
    "accepting a suggestion": suggestion_answer(course_forms.AcceptForm, "accept"),
    "planning a suggestion": suggestion_answer(course_forms.PlanForm, "plan"),
    "declining a suggestion": suggestion_answer(course_forms.DeclineForm, "decline"),
    "a suggestion done": suggestion_answer(course_forms.DoneForm, "done"),
    # A learner checking in at a talk under way; staff cancelling a talk (the reason is required).
    "an activity check-in": Form(
        activity_forms.CheckInForm, lambda w: f"/activities/{w['activity'].pk}/check-in/", "learner"
    ),
    "an activity's cancellation": Form(
        activity_admin.CancelForm,
        lambda w: f"/admin/activities/activity/{w['activity'].pk}/move/cancel/",
        "superuser",
    ),
    "a review's opinion survey": Form(
        OpinionsSurveyForm, lambda w: f"/reviews/{w['review'].pk}/opinions-survey/", "manager"
    ),
    # Counselling: a learner verifying their identity; the client of an appointment cancelling it or appealing
    # against a limit on bookings; a counsellor changing one day's hours.
    "counselling identity": Form(
        counselling_forms.IdentityForm, lambda w: "/counselling/identity/", "learner"
    ),
    "counselling identity code": Form(
        counselling_forms.CodeForm, lambda w: "/counselling/identity/confirm/", "learner"
    ),
    "counselling cancellation": Form(
        counselling_forms.CancelForm,
        lambda w: f"/counselling/appointments/{w['appointment'].reference}/cancel/",
        "client",
    ),
    "counselling appeal": Form(
        counselling_forms.AppealForm,
        lambda w: f"/counselling/restrictions/{w['restriction'].pk}/appeal/",
        "client",
    ),
    "counsellor's day off or extra hours": Form(
        counselling_forms.ExceptionForm, lambda w: "/counselling/availability/exceptions/", "counsellor"
    ),
    # After a counselling session: the client's intake answers and rating, the counsellor's record and reply.
    "intake answers": Form(
        counselling_forms.IntakeForm,
        lambda w: f"/counselling/appointments/{w['upcoming'].reference}/intake/",
        "client",
    ),
    "session rating": Form(
        counselling_forms.RateForm,
        lambda w: f"/counselling/appointments/{w['attended'].reference}/rate/",
        "client",
    ),
    "a complaint about a session": Form(
        counselling_forms.SessionComplaintForm,
        lambda w: f"/counselling/appointments/{w['attended'].reference}/complaint/",
        "client",
    ),
    "session record": Form(
        counselling_forms.SessionRecordForm,
        lambda w: f"/counselling/schedule/{w['attended'].reference}/record/",
        "counsellor",
    ),
    "a reply to a comment": Form(
        counselling_forms.CommentReplyForm,
        lambda w: f"/counselling/comments/{w['comment'].pk}/reply/",
        "counsellor",
    ),
    # The help centre: anyone searches; a reader answers "was this helpful?" under a published article.
    "help centre search": Form(help_forms.SearchForm, lambda w: "/help/search/", "anonymous", method="get"),
    "was this article helpful": Form(
        help_forms.HelpfulForm,
        lambda w: f"/help/{w['help article'].section.slug}/{w['help article'].slug}/helpful/",
        "learner",
    ),
    "penalty reply": Form(
        counselling_forms.PenaltyReplyForm,
        lambda w: f"/counselling/penalties/{w['penalty'].pk}/reply/",
        "counsellor",
    ),
    # The community: a new post, a reply and a report in a thread, an appeal against a moderator's warning.
    "a community post": Form(community_forms.PostForm, lambda w: "/community/experience/new/", "learner"),
    "a community reply": Form(
        community_forms.ReplyForm,
        lambda w: f"/community/experience/{w['community']['post'].pk}/reply/",
        "learner",
    ),
    "a community report": Form(
        community_forms.ReportForm,
        lambda w: f"/community/experience/{w['community']['post'].pk}/report/",
        "learner",
        given=lambda w: {"reason": "abuse"},
    ),
    "a community appeal": Form(
        community_forms.AppealForm,
        lambda w: f"/community/my/moderation/{w['community']['warning'].pk}/appeal/",
        "learner",
    ),
    "a community search": Form(
        community_forms.SearchForm, lambda w: "/community/search/", "learner", method="get"
    ),
    # The online customer service: a learner opens a chat, with a first question if they like.
    "opening a chat": Form(livechat_forms.ChatOpenForm, lambda w: "/chat/start/", "learner"),
}


def counselling_session_world(upcoming) -> dict:
    """Beside a client's upcoming appointment: a session with the same counsellor attended yesterday, a
    warning on that counsellor and a published comment about them."""
    import datetime

    from django.utils import timezone

    from counseling.models import CounsellorPenalty, State
    from counseling.tests.factories import AppointmentFactory

    session = timezone.now() - datetime.timedelta(days=1)
    attended = AppointmentFactory(
        counsellor=upcoming.counsellor,
        client=upcoming.client,
        state=State.COMPLETED,
        starts_at=session,
        ends_at=session + datetime.timedelta(minutes=50),
        blocked_from=session,
        blocked_until=session + datetime.timedelta(hours=1),
        completed_at=session + datetime.timedelta(hours=1),
    )
    penalty = CounsellorPenalty.objects.create(
        counsellor=upcoming.counsellor,
        kind="warning",
        reason="记录不及时",
        starts_at=timezone.now(),
        imposed_by=StaffFactory(roles=[Role.MANAGER]),
    )
    from ratings.models import CommentState, Rating
    from ratings.services import rating_give

    comment = rating_give(
        subject=upcoming.counsellor, source=attended, rater=attended.client, score=4, comment="很耐心"
    )
    Rating.objects.filter(pk=comment.pk).update(
        comment_state=CommentState.PUBLISHED, moderated_at=timezone.now()
    )
    return {"upcoming": upcoming, "attended": attended, "penalty": penalty, "comment": comment}


def cases() -> list:
    return [
        pytest.param(form_name, field_name, value, id=f"{form_name} {field_name}: {label}")
        for form_name, form in FORMS.items()
        for field_name, field in form.form_class.base_fields.items()
        for label, value in bad_values(form.form_class, field_name, field).items()
    ]


CASES = cases()


def test_every_form_has_a_field_to_try():
    tried = {case.values[0] for case in CASES}
    assert tried == set(FORMS)
    assert len(CASES) > 60


def row_counts() -> dict[str, int]:
    """Rows of every table but the access log: a page that shows personal data records the read, also when
    it shows the form again with its errors."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model is not AccessLogEntry
    }


def world_for(form: Form) -> tuple[Client, dict]:
    guardianship = GuardianshipFactory()
    learner = guardianship.learner
    superuser = StaffFactory(is_superuser=True, roles=[Role.AGENT])
    category = CategoryFactory(default_department=superuser.department)
    complaint = ComplaintFactory(complainant=learner, category=category, state=form.state, owner=superuser)
    people = {
        "learner": learner,
        "parent": guardianship.guardian,
        "manager": StaffFactory(roles=[Role.MANAGER]),
        "superuser": superuser,
        "leader": StaffFactory(roles=[Role.LEADERSHIP]),
    }
    world = {"complaint": complaint, "parent": people["parent"], "review": ReviewFactory()}
    if form.who in ("client", "counsellor"):
        world.update(counselling_world())
        people.update(client=world["appointment"].client, counsellor=world["appointment"].counsellor.user)
        world.update(counselling_session_world(world["appointment"]))
    client = Client()
    if form.who != "anonymous":
        client.force_login(people[form.who])
    client.cookies["django_language"] = "en"
    world["activity"] = _activity_for(form, learner)
    if form.form_class.__module__.startswith("helpcentre."):
        from helpcentre.tests.factories import ArticleFactory

        world["help article"] = ArticleFactory(published=True)
    world["refund"] = _refund_for(form, learner)
    world["course"] = _course_for(form, learner)
    world["community"] = _community_for(form, learner)
    return client, world


def _activity_for(form: "Form", learner):
    """The activity an activities form is about: a talk under way with a check-in code, the learner in it."""
    if not form.form_class.__module__.startswith("activities."):
        return None
    import datetime

    from django.utils import timezone

    from activities.tests.factories import ActivityFactory, RegistrationFactory

    now = timezone.now()
    activity = ActivityFactory(
        starts_at=now - datetime.timedelta(minutes=30),
        registration_opens_at=now - datetime.timedelta(days=3),
        registration_closes_at=now - datetime.timedelta(hours=1),
        check_in_code="QY2026",
    )
    RegistrationFactory(activity=activity, person=learner)
    return activity


def _community_for(form: "Form", learner):
    """For a community form: another learner's post, and a moderator's warning about one of the learner's."""
    if not form.form_class.__module__.startswith("community."):
        return None
    from community.services import Decision, moderation_act
    from community.tests.factories import PostFactory

    warning = moderation_act(
        actor=StaffFactory(roles=[Role.SUPERVISOR]),
        target=PostFactory(author=learner),
        decision=Decision(kind="warn", reason="语气过激"),
    )
    return {"post": PostFactory(), "warning": warning}


def _course_for(form: "Form", learner):
    """The course a course form is about: the learner's finished enrolment in it, and a suggestion of it."""
    if not form.form_class.__module__.startswith("courses."):
        return None
    from courses.tests.factories import CompletedEnrolmentFactory, UpdateSuggestionFactory

    enrolment = CompletedEnrolmentFactory(learner=learner)
    return {"enrolment": enrolment, "suggestion": UpdateSuggestionFactory(course=enrolment.course)}


def _refund_for(form: "Form", learner):
    """The refund a refunds form is about: the learner's enrolment, with a request in the state it needs."""
    if not form.form_class.__module__.startswith("refunds."):
        return None
    from refunds.services import refund_approve
    from refunds.tests.factories import RefundRequestFactory, accept_agreement, enrolment_bought

    enrolment = enrolment_bought(learner=learner, days_ago=2)
    if form.form_class is refund_forms.RefundRequestForm:
        accept_agreement(learner)
        return {"enrolment": enrolment}
    refund = RefundRequestFactory(enrolment=enrolment)
    if form.refund_state == "approved":
        refund = refund_approve(request=refund, actor=StaffFactory(roles=[Role.AGENT]))
    return {"enrolment": enrolment, "request": refund}


def counselling_world() -> dict:
    """A verified client with a confirmed appointment two days ahead and a limit on new bookings."""
    import datetime

    from django.utils import timezone

    from counseling.models import BookingRestriction, State
    from counseling.tests.factories import AppointmentFactory

    starts = timezone.now() + datetime.timedelta(days=2)
    appointment = AppointmentFactory(starts_at=starts)
    no_show = AppointmentFactory(
        client=appointment.client,
        counsellor=appointment.counsellor,
        state=State.NO_SHOW,
        no_show_kind="not_attended",
        starts_at=starts - datetime.timedelta(days=5),
    )
    restriction = BookingRestriction.objects.create(
        client=appointment.client,
        ends_at=timezone.now() + datetime.timedelta(days=30),
        no_show_count=3,
        last_no_show=no_show,
    )
    return {"appointment": appointment, "restriction": restriction}


def send(client: Client, form: Form, url: str, world: dict, field: str, value: str):
    """Send the form's other needed fields and the one value, under the form's prefix if it has one."""
    prefix = form.form_class.prefix
    data = {**form.given(world), f"{prefix}-{field}" if prefix else field: value}
    return client.get(url, data) if form.method == "get" else client.post(url, data)


def forms_in(response) -> list[forms.Form]:
    """The bound forms the page was rendered with, wherever its context holds them."""
    found = []
    for context in response.context or []:
        for value in context.flatten().values():
            candidates = value if isinstance(value, tuple | list) else (value,)
            found += [each for each in candidates if isinstance(each, forms.Form) and each.is_bound]
    return found


@pytest.mark.parametrize(("form_name", "field", "value"), CASES)
def test_a_bad_value_is_refused_next_to_its_field_and_nothing_is_stored(form_name, field, value):
    form = FORMS[form_name]
    client, world = world_for(form)
    url = form.url(world)
    before = row_counts()

    response = send(client, form, url, world, field, value)

    assert response.status_code == 400, f"{response.status_code} {response.get('Location', '')}"
    messages = [error for shown in forms_in(response) for error in shown.errors.get(field, [])]
    assert messages, f"no message next to {field}"
    assert row_counts() == before


@pytest.mark.parametrize("form_name", list(FORMS))
def test_a_nul_in_any_field_refuses_the_whole_form_and_stores_nothing(form_name):
    form = FORMS[form_name]
    client, world = world_for(form)
    fields = form.form_class.base_fields
    text_fields = [name for name, field in fields.items() if isinstance(field, forms.CharField)]
    field = text_fields[0] if text_fields else next(iter(fields))
    before = row_counts()

    response = send(client, form, form.url(world), world, field, "投诉\x00内容")

    assert response.status_code == 400
    assert MESSAGE_NUL in response.content.decode()
    assert row_counts() == before
