"""Every URL of the site, asked by every role about one learner's records: who gets what, who sees nothing.

The patterns come from the URLconf (the admin's from its registry), so a new URL fails
``test_every_url_pattern_is_in_the_matrix_or_exempt`` until it gets an entry here or a reason to be exempt.
Each entry says, for each role, the status expected and who may read the victim's data; a 2xx answer to
anyone else must hold none of the markers of that data (their complaint's title and description, the internal
note, their mobile number, their name).

The people and records are built once for the module inside a transaction that is rolled back at its end;
every request runs in a savepoint of its test that is rolled back, so no request sees another's writes.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import override_settings
from django.urls import URLResolver, get_resolver

from accounts.models import User
from activities.models import Activity, Registration
from community.models import Appeal as CommunityAppeal
from community.models import ModerationAction, SensitiveWord
from community.models import Post as CommunityPost
from community.models import Reply as CommunityReply
from community.models import Report as CommunityReport
from complaints.api.urls import ACTION_VIEWS
from complaints.models import Complaint
from counseling.api import ACTION_VIEWS as COUNSELLING_ACTION_VIEWS
from counseling.models import (
    Appointment,
    BookingRestriction,
    Counsellor,
    CounsellorPenalty,
    CounsellorReview,
    ExpertAssessment,
    NoShowPolicy,
    RecordGrant,
    RestrictionAppeal,
    SafetyCase,
    Speciality,
    SpotCheckFinding,
    SpotCheckSample,
)
from courses.api import ACTION_VIEWS as COURSE_ACTION_VIEWS
from courses.evaluations.models import EvaluationText
from courses.models import DevelopmentRecord, DevelopmentRequirement, Instructor
from courses.suggestions.models import UpdateSuggestion
from feedback.api import ACTION_VIEWS as FEEDBACK_ACTION_VIEWS
from feedback.models import FeedbackCategory, FeedbackItem, PaperBatch, RepresentativeMeeting
from incentives.models import Award, Reward, RewardRule
from livechat.models import Chat
from privacy.models import AccessLogEntry, ErasureRequest, IdentityDocument, PolicyConsent
from qualifications.api import ACTION_VIEWS as QUALIFICATION_ACTION_VIEWS
from qualifications.models import Qualification, QualificationKind
from ratings.models import Rating
from refunds.api import ACTION_VIEWS as REFUND_ACTION_VIEWS
from refunds.models import RefundPolicy, RefundRequest
from reviews.models import Review, ReviewDecision, ReviewReminder, ReviewSchedule, RightsMeasure
from surveys.models import Answer, Questionnaire, Survey

from .access_world import (
    DESCRIPTION_MARKER,
    NOTE_MARKER,
    ROLES,
    TITLE_MARKER,
    VICTIM_MOBILE,
    VICTIM_NAME,
    World,
    build_world,
)

pytestmark = pytest.mark.django_db

ANONYMOUS = frozenset({"anonymous"})
PARTIES = frozenset({"learner", "guardian", "co-learner"})
OTHER_LEARNER = frozenset({"other learner"})
LEARNERS = PARTIES | OTHER_LEARNER
NOT_STAFF = ANONYMOUS | LEARNERS
HANDLERS = frozenset({"agent", "supervisor", "leadership"})
CASE_STAFF = HANDLERS | {"manager"}
OUTSIDE_STAFF = frozenset({"agent of another department", "legal", "safety", "subject staff member"})
STAFF = CASE_STAFF | OUTSIDE_STAFF
SIGNED_IN = LEARNERS | STAFF
CASE = PARTIES | CASE_STAFF
OUTSIDERS = OTHER_LEARNER | OUTSIDE_STAFF
DASHBOARD_READERS = frozenset({"manager", "leadership"})
# The staff who run surveys: managers and agents (every agent here, the subject staff member is one too).
SURVEY_STAFF = frozenset({"manager", "agent", "agent of another department", "subject staff member"})
# The moderators of rating comments: the manager holds ratings.moderate_rating (tests/access_world.py).
MODERATORS = frozenset({"manager"})
# The reviewers of qualifications: the managers' role holds qualifications.vet_qualification (a migration).
VETTERS = frozenset({"manager"})
MANAGERS = frozenset({"manager"})
EVERYONE = frozenset(ROLES)
assert frozenset(ROLES) == NOT_STAFF | STAFF

MARKERS = {
    "title": TITLE_MARKER,
    "description": DESCRIPTION_MARKER,
    "internal note": NOTE_MARKER,
    "mobile": VICTIM_MOBILE,
    "name": VICTIM_NAME,
}
# What a reader of the case still never sees: the complainant's side never reads internal notes, and a
# co-learner never reads the complainant's mobile number.
NEVER_SHOWN_TO = {
    "learner": {"internal note"},
    "guardian": {"internal note"},
    "co-learner": {"internal note", "mobile"},
}

# A status the action may answer when the role may reach the complaint but the empty body or the state
# refuses the move (or, for a move that needs no body, performs it): never a 404 and never a 5xx.
REACHED = frozenset({200, 400, 403, 409})


def expect(*parts: tuple[frozenset, int | frozenset]) -> dict[str, frozenset]:
    """Map each role to the statuses expected; every role must be named exactly once."""
    statuses: dict[str, frozenset] = {}
    for roles, status in parts:
        for role in roles:
            assert role not in statuses, f"{role} is named twice"
            statuses[role] = status if isinstance(status, frozenset) else frozenset({status})
    assert set(statuses) == set(ROLES), f"roles left out: {set(ROLES) - set(statuses)}"
    return statuses


@dataclass(frozen=True)
class Entry:
    pattern: str
    url: Callable[[World], str]
    statuses: dict[str, frozenset]
    method: str = "get"  # get, post (a form) or json (an API body)
    readers: frozenset = frozenset()  # who, besides the victim, may read the victim's data here
    data: dict | None = None


def page(pattern, statuses, *, readers=frozenset(), method="get", data=None, url=None):
    return Entry(pattern, url or (lambda w: "/" + pattern), statuses, method, readers, data)


def complaint_url(suffix: str = "", *, prefix: str = "/complaints/") -> Callable[[World], str]:
    return lambda w: f"{prefix}{w.complaint.reference}/{suffix}"


PUBLIC = expect((EVERYONE, 200))
OWN_PAGE = expect((ANONYMOUS, 302), (SIGNED_IN, 200))
OWN_FORM_REFUSED = expect((ANONYMOUS, 302), (SIGNED_IN, 400))
OWN_FORM_REDIRECTS = expect((ANONYMOUS, 302), (SIGNED_IN, 302))
CASE_PAGE = expect((ANONYMOUS, 302), (CASE, 200), (OUTSIDERS, 404))
CASE_FORM = expect((ANONYMOUS, 302), (CASE, 400), (OUTSIDERS, 404))
DASHBOARD = expect((ANONYMOUS, 302), (DASHBOARD_READERS, 200), (SIGNED_IN - DASHBOARD_READERS, 403))
# A report run belongs to the manager who asked for it; another dashboard reader is told it does not exist.
OWN_REPORT = expect(
    (ANONYMOUS, 302), ({"manager"}, 200), ({"leadership"}, 404), (SIGNED_IN - DASHBOARD_READERS, 403)
)
# Reviews are the managers' and the leadership group's, like the dashboard.
REVIEW_PAGE = DASHBOARD
REVIEW_FORM = expect((ANONYMOUS, 302), (DASHBOARD_READERS, 400), (SIGNED_IN - DASHBOARD_READERS, 403))
REVIEW_API = expect((ANONYMOUS, 403), (DASHBOARD_READERS, 200), (SIGNED_IN - DASHBOARD_READERS, 403))
API_OWN = expect((ANONYMOUS, 403), (SIGNED_IN, 200))
API_CASE = expect((ANONYMOUS, 403), (CASE, 200), (OUTSIDERS, 404))
API_ACTION = expect((ANONYMOUS, 403), (CASE, REACHED), (OUTSIDERS, 404))
ADMIN_STAFF_PAGE = expect((NOT_STAFF, 302), (STAFF, 200))


def url_patterns(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def admin_app_index_pattern() -> str:
    """The admin's app index, whose pattern names every app with a registered model."""
    return next(p for p in url_patterns() if p.startswith("admin/^(?P<app_label>"))


def staff_device(world: World):
    """A confirmed authenticator device of a member of staff (another person's, for every role asking)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _created = TOTPDevice.objects.get_or_create(
        user=world.people["supervisor"], confirmed=True, defaults={"name": "authenticator app"}
    )
    return device


SITE_ENTRIES = [
    page("", PUBLIC, url=lambda w: "/"),
    page("accounts/sign-up/", expect((ANONYMOUS, 200), (SIGNED_IN, 302))),
    page("accounts/log-in/", expect((ANONYMOUS, 200), (SIGNED_IN, 302))),
    page("accounts/me/", OWN_PAGE),
    # The second step of a staff log-in: a verified session goes on; there is no second step for learners.
    *(
        page(f"accounts/{step}/", expect((ANONYMOUS, 302), (LEARNERS, 403), (STAFF, 302)))
        for step in ("second-factor", "second-factor/enrol")
    ),
    *(
        page(f"accounts/me/{form}/", OWN_FORM_REFUSED, method="post", data={})
        for form in ("name", "email", "mobile", "mobile/confirm", "password")
    ),
    page("accounts/me/channels/", OWN_FORM_REDIRECTS, method="post", data={}),
    page("accounts/password-reset/", PUBLIC),
    page("accounts/password-reset/sent/", PUBLIC),
    page(
        "accounts/password-reset/<uidb64>/<token>/",
        PUBLIC,
        url=lambda w: "/accounts/password-reset/MQ/set-password/",
    ),
    page("accounts/password-reset/done/", PUBLIC),
    page("privacy/policy/", PUBLIC),
    page("privacy/accept/", OWN_FORM_REDIRECTS),  # everyone here has accepted the current policy
    page("privacy/agreement/", PUBLIC),
    # The user agreement: only the victim has accepted it (to request a refund), and goes on.
    page(
        "privacy/agreement/accept/",
        expect((ANONYMOUS, 302), ({"learner"}, 302), (SIGNED_IN - {"learner"}, 200)),
    ),
    page("privacy/my-data/", OWN_PAGE),
    page("privacy/my-data/export/", OWN_PAGE, method="post", data={}),
    page("privacy/my-data/consents/", OWN_FORM_REDIRECTS, method="post", data={}),
    page("privacy/my-data/erasure/", OWN_FORM_REFUSED, method="post", data={}),
    # The victim holds a qualification as a mentor, and so does the subject staff member (their own rows
    # only); nobody else holds any, so there is no page for them. A scan: its holder and the reviewers.
    page(
        "qualifications/",
        expect(
            (ANONYMOUS, 302),
            ({"learner", "subject staff member"}, 200),
            (SIGNED_IN - {"learner", "subject staff member"}, 404),
        ),
    ),
    page(
        "qualifications/<int:pk>/scan/",
        expect((ANONYMOUS, 302), ({"learner"} | VETTERS, 200), (SIGNED_IN - {"learner"} - VETTERS, 404)),
        readers=VETTERS,
        url=lambda w: f"/qualifications/{w.objects['qualification'].pk}/scan/",
    ),
    page("complaints/", OWN_PAGE, readers=CASE),
    page("complaints/new/", OWN_PAGE, readers=frozenset({"guardian"})),  # a parent files for their ward
    page("complaints/<str:reference>/", CASE_PAGE, readers=CASE, url=complaint_url()),
    *(
        page(
            f"complaints/<str:reference>/{action}/",
            CASE_FORM,
            readers=CASE,
            method="post",
            data={},
            url=complaint_url(f"{action}/"),
        )
        for action in ("reply", "message", "evidence", "withdraw", "satisfaction", "rate", "appeal")
    ),
    page(
        "complaints/<str:reference>/attachments/<int:attachment_id>/",
        CASE_PAGE,
        readers=CASE,
        url=lambda w: f"/complaints/{w.complaint.reference}/attachments/{w.objects['attachment'].pk}/",
    ),
    page("surveys/", OWN_PAGE),
    # A survey invitation is the invited learner's own: anyone else is told it does not exist.
    page(
        "surveys/<int:pk>/",
        expect((ANONYMOUS, 302), ({"learner"}, 200), (SIGNED_IN - {"learner"}, 404)),
        url=lambda w: f"/surveys/{w.objects['survey invitation'].pk}/",
    ),
    page("notifications/", OWN_PAGE),
    page("notifications/read/", OWN_FORM_REDIRECTS, method="post", data={}),
    page("notifications/preferences/", OWN_PAGE),
    page("dashboard/", DASHBOARD, readers=DASHBOARD_READERS),
    # The feedback analysis has the dashboard's readers; it shows figures, never a person's records.
    page("feedback/analysis/", DASHBOARD, readers=DASHBOARD_READERS),
    page("feedback/analysis.csv", DASHBOARD, readers=DASHBOARD_READERS),
    page("dashboard/complaints.csv", DASHBOARD, readers=DASHBOARD_READERS),
    page("dashboard/reports/", DASHBOARD),
    *(
        page(f"dashboard/reports/<int:pk>/{suffix}", OWN_REPORT, url=lambda w, s=concrete: s(w))
        for suffix, concrete in (
            ("", lambda w: f"/dashboard/reports/{w.objects['report'].pk}/"),
            ("status.json", lambda w: f"/dashboard/reports/{w.objects['report'].pk}/status.json"),
            ("<str:kind>/", lambda w: f"/dashboard/reports/{w.objects['report'].pk}/pdf/"),
        )
    ),
    # A person's own points: the victim's award and coupon code on their page only.
    page("points/", OWN_PAGE),
    page("reviews/", REVIEW_PAGE),
    page("reviews/new/", REVIEW_PAGE),
    page("reviews/<int:pk>/", REVIEW_PAGE, url=lambda w: f"/reviews/{w.objects['review'].pk}/"),
    page(
        "reviews/<int:pk>/decisions/",
        REVIEW_FORM,
        method="post",
        data={},
        url=lambda w: f"/reviews/{w.objects['review'].pk}/decisions/",
    ),
    # Linking the review's opinion survey: the empty form unlinks it (a move that needs no value).
    page(
        "reviews/<int:pk>/opinions-survey/",
        expect((ANONYMOUS, 302), (DASHBOARD_READERS, 302), (SIGNED_IN - DASHBOARD_READERS, 403)),
        method="post",
        data={},
        url=lambda w: f"/reviews/{w.objects['review'].pk}/opinions-survey/",
    ),
    page(
        "reviews/decisions/<int:pk>/done/",
        expect((ANONYMOUS, 302), (DASHBOARD_READERS, 302), (SIGNED_IN - DASHBOARD_READERS, 403)),
        method="post",
        data={},
        url=lambda w: f"/reviews/decisions/{w.objects['decision'].pk}/done/",
    ),
]


# The help centre: published articles are everyone's to read, signed in or not; the empty vote form is
# refused (a reason to choose) for everyone; only the help centre's editors (no role here) reach its admin.
def help_article_url(suffix: str = "") -> Callable[[World], str]:
    return lambda w: (
        f"/help/{w.objects['help article'].section.slug}/{w.objects['help article'].slug}/{suffix}"
    )


HELP_ENTRIES = [
    page("help/", PUBLIC),
    page("help/search/", PUBLIC, url=lambda w: "/help/search/?q=退费"),
    page("help/context/", PUBLIC, url=lambda w: f"/help/context/?category={w.objects['category'].pk}"),
    page("help/<slug:section>/", PUBLIC, url=lambda w: "/help/faq/"),
    page("help/<slug:section>/<slug:slug>/", PUBLIC, url=help_article_url()),
    page(
        "help/<slug:section>/<slug:slug>/helpful/",
        expect((EVERYONE, 400)),
        method="post",
        data={},
        url=help_article_url("helpful/"),
    ),
    page("api/v1/help/sections/", PUBLIC),
    page("api/v1/help/articles/", PUBLIC),
    page(
        "api/v1/help/articles/<slug:slug>/",
        PUBLIC,
        url=lambda w: f"/api/v1/help/articles/{w.objects['help article'].slug}/",
    ),
    page(
        "api/v1/help/articles/<slug:slug>/helpful/",
        expect((ANONYMOUS, 403), (SIGNED_IN, 400)),
        method="json",
        data={},
        url=lambda w: f"/api/v1/help/articles/{w.objects['help article'].slug}/helpful/",
    ),
    page("api/v1/help/search/", PUBLIC, url=lambda w: "/api/v1/help/search/?q=退费"),
    page("admin/helpcentre/article/figures/", expect((NOT_STAFF, 302), (STAFF, 403))),
    page(
        "admin/helpcentre/article/<path:object_id>/move/<slug:name>/",
        expect((NOT_STAFF, 302), (STAFF, 403)),
        method="post",
        data={},
        url=lambda w: f"/admin/helpcentre/article/{w.objects['help article'].pk}/move/publish/",
    ),
]

# Feedback: the learner and their guardian follow it; the learner-services team (every agent, supervisor,
# manager and leader) reads every item, and all but managers move items; legal counsel and the safety
# officer have no part in it. Learners and parents give feedback; staff key in paper forms.
GIVERS = LEARNERS
FEEDBACK_STAFF = frozenset(
    {"agent of another department", "agent", "supervisor", "manager", "leadership"}
) | {"subject staff member"}
FEEDBACK_OUTSIDE_STAFF = STAFF - FEEDBACK_STAFF
FEEDBACK_READERS = frozenset({"guardian"}) | FEEDBACK_STAFF
FEEDBACK_PARTIES = frozenset({"learner", "guardian"})
FEEDBACK_OUTSIDERS = frozenset({"other learner", "co-learner"}) | FEEDBACK_OUTSIDE_STAFF


FEEDBACK_ACTIONS = tuple(FEEDBACK_ACTION_VIEWS)


def feedback_url(suffix: str = "", *, prefix: str = "/feedback/") -> Callable[[World], str]:
    return lambda w: f"{prefix}{w.objects['feedback'].reference}/{suffix}"


FEEDBACK_ENTRIES = [
    page("feedback/", expect((ANONYMOUS, 302), (GIVERS, 200), (STAFF, 403)), readers=frozenset({"guardian"})),
    page(
        "feedback/new/",
        expect((ANONYMOUS, 302), (GIVERS, 200), (STAFF, 403)),
        readers=frozenset({"guardian"}),
    ),
    page(
        "feedback/follow/<str:reference>/<str:key>/",
        expect((EVERYONE, 404)),
        url=feedback_url("not-the-key/", prefix="/feedback/follow/"),
    ),
    page(
        "feedback/<str:reference>/",
        expect((ANONYMOUS, 302), (FEEDBACK_PARTIES | FEEDBACK_STAFF, 200), (FEEDBACK_OUTSIDERS, 404)),
        readers=FEEDBACK_READERS,
        url=feedback_url(),
    ),
    page(
        "feedback/follow/<str:reference>/<str:key>/attachments/<int:attachment_id>/",
        expect((EVERYONE, 404)),
        url=lambda w: (
            f"/feedback/follow/{w.objects['feedback'].reference}/not-the-key/attachments/"
            f"{w.objects['feedback attachment'].pk}/"
        ),
    ),
    page(
        "feedback/<str:reference>/attachments/<int:attachment_id>/",
        expect((ANONYMOUS, 302), (FEEDBACK_PARTIES | FEEDBACK_STAFF, 200), (FEEDBACK_OUTSIDERS, 404)),
        readers=FEEDBACK_READERS,
        url=lambda w: feedback_url(f"attachments/{w.objects['feedback attachment'].pk}/")(w),
    ),
    page(
        "api/v1/feedback/<str:reference>/attachments/<int:pk>/",
        expect((ANONYMOUS, 403), (FEEDBACK_PARTIES | FEEDBACK_STAFF, 200), (FEEDBACK_OUTSIDERS, 404)),
        readers=FEEDBACK_READERS,
        url=lambda w: feedback_url(
            f"attachments/{w.objects['feedback attachment'].pk}/", prefix="/api/v1/feedback/"
        )(w),
    ),
    page(
        "feedback/<str:reference>/rate/",
        expect((ANONYMOUS, 302), (FEEDBACK_PARTIES | FEEDBACK_STAFF, 400), (FEEDBACK_OUTSIDERS, 404)),
        readers=FEEDBACK_READERS,
        method="post",
        data={},
        url=feedback_url("rate/"),
    ),
    page("api/v1/feedback/categories/", API_OWN),
    page("api/v1/feedback/", API_OWN, readers=FEEDBACK_READERS),
    page(
        "api/v1/feedback/<str:reference>/",
        expect((ANONYMOUS, 403), (FEEDBACK_PARTIES | FEEDBACK_STAFF, 200), (FEEDBACK_OUTSIDERS, 404)),
        readers=FEEDBACK_READERS,
        url=feedback_url(prefix="/api/v1/feedback/"),
    ),
    *(
        page(
            f"api/v1/feedback/<str:reference>/{action}/",
            expect((ANONYMOUS, 403), (FEEDBACK_PARTIES | FEEDBACK_STAFF, REACHED), (FEEDBACK_OUTSIDERS, 404)),
            readers=FEEDBACK_READERS,
            method="json",
            data={},
            url=feedback_url(f"{action}/", prefix="/api/v1/feedback/"),
        )
        for action in FEEDBACK_ACTIONS
    ),
    page(
        "admin/feedback/feedbackitem/entry/",
        expect((NOT_STAFF, 302), (FEEDBACK_STAFF, 200), (FEEDBACK_OUTSIDE_STAFF, 403)),
    ),
    page(
        "admin/feedback/feedbackitem/import/",
        expect((NOT_STAFF, 302), (FEEDBACK_STAFF, 200), (FEEDBACK_OUTSIDE_STAFF, 403)),
    ),
    *(
        page(
            f"admin/feedback/feedbackitem/import/<int:pk>/{suffix}",
            # An import is its uploader's (the supervisor's); the rest of the team is told it does not exist.
            expect(
                (NOT_STAFF, 302),
                ({"supervisor"}, 200),
                (FEEDBACK_STAFF - {"supervisor"}, 404),
                (FEEDBACK_OUTSIDE_STAFF, 403),
            ),
            url=lambda w, s=suffix: f"/admin/feedback/feedbackitem/import/{w.objects['import'].pk}/{s}",
        )
        for suffix in ("", "status.json")
    ),
    page(
        "admin/feedback/feedbackitem/<path:object_id>/move/<slug:name>/",
        # Handlers accept it (then rolled back); managers read but do not move; outside staff do not reach it.
        expect(
            (NOT_STAFF, 302),
            (FEEDBACK_STAFF - {"manager"}, 302),
            ({"manager"}, 403),
            (FEEDBACK_OUTSIDE_STAFF, 404),
        ),
        method="post",
        data={},
        url=lambda w: f"/admin/feedback/feedbackitem/{w.objects['feedback'].pk}/move/accept/",
    ),
]

# Refunds: the learner and their guardian request and follow them; the learner-services team reads every
# request and all but managers decide; legal counsel and the safety officer have no part in them.
REFUND_STAFF = FEEDBACK_STAFF
REFUND_PARTIES = frozenset({"learner", "guardian"})
REFUND_READERS = frozenset({"guardian"}) | REFUND_STAFF
REFUND_OUTSIDERS = EVERYONE - ANONYMOUS - REFUND_PARTIES - REFUND_STAFF
REFUND_ACTIONS = tuple(REFUND_ACTION_VIEWS)


def refund_url(suffix: str = "", *, prefix: str = "/refunds/") -> Callable[[World], str]:
    return lambda w: f"{prefix}{w.objects['refund'].reference}/{suffix}"


REFUND_ENTRIES = [
    page(
        "refunds/", expect((ANONYMOUS, 302), (LEARNERS, 200), (STAFF, 403)), readers=frozenset({"guardian"})
    ),
    page(
        "refunds/courses/",
        expect((ANONYMOUS, 302), (LEARNERS, 200), (STAFF, 403)),
        readers=frozenset({"guardian"}),
    ),
    # The victim's enrolment: the victim has accepted the user agreement and sees the form; their guardian is
    # asked to accept it first.
    page(
        "refunds/courses/<int:enrolment_id>/request/",
        expect(
            (ANONYMOUS, 302),
            ({"learner"}, 200),
            ({"guardian"}, 302),
            ({"other learner", "co-learner"}, 404),
            (STAFF, 403),
        ),
        url=lambda w: f"/refunds/courses/{w.objects['enrolment'].pk}/request/",
    ),
    page(
        "refunds/<str:reference>/",
        expect((ANONYMOUS, 302), (REFUND_PARTIES | REFUND_STAFF, 200), (REFUND_OUTSIDERS, 404)),
        readers=REFUND_READERS,
        url=refund_url(),
    ),
    # The parties withdraw it (then rolled back); staff are told they may not, on the request's page.
    page(
        "refunds/<str:reference>/withdraw/",
        expect((ANONYMOUS, 302), (REFUND_PARTIES | REFUND_STAFF, 302), (REFUND_OUTSIDERS, 404)),
        readers=REFUND_READERS,
        method="post",
        data={},
        url=refund_url("withdraw/"),
    ),
    page("api/v1/refunds/", API_OWN, readers=REFUND_READERS),
    # The victim's qualification: theirs and the reviewers'; a reviewer's decision is carried out (then rolled
    # back), the holder's own is refused (403), everyone else finds nothing.
    page("api/v1/qualifications/", API_OWN, readers=VETTERS),
    page(
        "api/v1/qualifications/<int:pk>/",
        expect((ANONYMOUS, 403), ({"learner"} | VETTERS, 200), (SIGNED_IN - {"learner"} - VETTERS, 404)),
        readers=VETTERS,
        url=lambda w: f"/api/v1/qualifications/{w.objects['qualification'].pk}/",
    ),
    *(
        page(
            f"api/v1/qualifications/<int:pk>/{name}/",
            expect(
                (ANONYMOUS, 403), ({"learner"} | VETTERS, REACHED), (SIGNED_IN - {"learner"} - VETTERS, 404)
            ),
            readers=VETTERS,
            method="json",
            data={},
            url=lambda w, name=name: f"/api/v1/qualifications/{w.objects['qualification'].pk}/{name}/",
        )
        for name in QUALIFICATION_ACTION_VIEWS
    ),
    page(
        "api/v1/refunds/quote/",
        # Nobody names an enrolment: a quote is only ever of the caller's own (or their ward's).
        expect((ANONYMOUS, 403), (SIGNED_IN, 400)),
        method="json",
        data={},
    ),
    page(
        "api/v1/refunds/<str:reference>/",
        expect((ANONYMOUS, 403), (REFUND_PARTIES | REFUND_STAFF, 200), (REFUND_OUTSIDERS, 404)),
        readers=REFUND_READERS,
        url=refund_url(prefix="/api/v1/refunds/"),
    ),
    *(
        page(
            f"api/v1/refunds/<str:reference>/{action}/",
            expect((ANONYMOUS, 403), (REFUND_PARTIES | REFUND_STAFF, REACHED), (REFUND_OUTSIDERS, 404)),
            readers=REFUND_READERS,
            method="json",
            data={},
            url=refund_url(f"{action}/", prefix="/api/v1/refunds/"),
        )
        for action in REFUND_ACTIONS
    ),
    page(
        "admin/refunds/refundrequest/<path:object_id>/move/<slug:name>/",
        # Handlers approve it (then rolled back); managers read, do not decide; outside staff do not reach it.
        expect(
            (NOT_STAFF, 302),
            (REFUND_STAFF - {"manager"}, 302),
            ({"manager"}, 403),
            (STAFF - REFUND_STAFF, 404),
        ),
        method="post",
        data={},
        url=lambda w: f"/admin/refunds/refundrequest/{w.objects['refund'].pk}/move/approve/",
    ),
]

# Rights-knowledge activities: anyone reads the published ones; learners and parents register (the victim
# already has), cancel and check in; the learner-services team prepares them and reads who registered.
ACTIVITY_STAFF = frozenset(
    {"agent", "agent of another department", "supervisor", "manager", "leadership", "subject staff member"}
)
REGISTERING = frozenset({"other learner", "guardian", "co-learner"})


def activity_url(suffix: str = "", *, prefix: str = "/activities/") -> Callable[[World], str]:
    return lambda w: f"{prefix}{w.objects['activity'].pk}/{suffix}"


ACTIVITY_ENTRIES = [
    page("activities/", PUBLIC),
    page("activities/mine/", OWN_PAGE),
    page("activities/subscription/", OWN_FORM_REDIRECTS, method="post", data={}),
    page("activities/<int:pk>/", PUBLIC, url=activity_url()),
    page(
        "activities/<int:pk>/register/",
        expect((ANONYMOUS, 302), ({"learner"}, 409), (REGISTERING, 302), (STAFF, 403)),
        method="post",
        data={},
        url=activity_url("register/"),
    ),
    page(
        "activities/<int:pk>/cancel/",
        expect((ANONYMOUS, 302), ({"learner"}, 302), (SIGNED_IN - {"learner"}, 409)),
        method="post",
        data={},
        url=activity_url("cancel/"),
    ),
    page(
        "activities/<int:pk>/check-in/",
        OWN_FORM_REFUSED,
        method="post",
        data={},
        url=activity_url("check-in/"),
    ),
    page("api/v1/activities/", API_OWN),
    page("api/v1/activities/<int:pk>/", API_OWN, url=activity_url(prefix="/api/v1/activities/")),
    page(
        "api/v1/activities/<int:pk>/register/",
        expect((ANONYMOUS, 403), ({"learner"}, 409), (REGISTERING, 201), (STAFF, 403)),
        method="json",
        data={},
        url=activity_url("register/", prefix="/api/v1/activities/"),
    ),
    page(
        "api/v1/activities/<int:pk>/cancel/",
        expect((ANONYMOUS, 403), ({"learner"}, 200), (SIGNED_IN - {"learner"}, 409)),
        method="json",
        data={},
        url=activity_url("cancel/", prefix="/api/v1/activities/"),
    ),
    page("api/v1/me/activity-registrations/", API_OWN),
    # A cancellation without its reason: refused with the form's error for the activity staff, before the
    # activity is looked up for anyone else.
    page(
        "admin/activities/activity/<path:object_id>/move/<slug:name>/",
        expect((NOT_STAFF, 302), (ACTIVITY_STAFF, 400), (STAFF - ACTIVITY_STAFF, 403)),
        method="post",
        data={},
        url=lambda w: f"/admin/activities/activity/{w.objects['activity'].pk}/move/cancel/",
    ),
]

# Course evaluations and update suggestions. The victim finished a course of the department and evaluated it,
# and proposed an update of it; its owners are the department's staff (the agent, the supervisor and the
# subject staff member, who also teaches it without an instructor's role). The course's page and a
# suggestion's are public and never name the victim; evidence reaches the proposer and the owners.
COURSE_OWNERS = frozenset({"agent", "supervisor", "subject staff member"})
NOT_COURSE_OWNERS = SIGNED_IN - COURSE_OWNERS
SUGGESTION_ACTIONS = tuple(COURSE_ACTION_VIEWS)


def course_url(suffix: str = "", *, prefix: str = "/courses/") -> Callable[[World], str]:
    return lambda w: f"{prefix}{w.objects['evaluated enrolment'].course.code}/{suffix}"


def suggestion_url(suffix: str = "", *, prefix: str = "/courses/suggestions/") -> Callable[[World], str]:
    return lambda w: f"{prefix}{w.objects['suggestion'].reference}/{suffix}"


LEARNER_ACCOUNTS = frozenset({"learner", "other learner", "co-learner"})
NO_INSTRUCTOR_HERE = expect((ANONYMOUS, 302), (SIGNED_IN, 403))
OWN_ENROLMENT = expect(
    (ANONYMOUS, 302),
    ({"learner"}, 200),
    ({"other learner", "co-learner"}, 404),
    (SIGNED_IN - LEARNER_ACCOUNTS, 403),
)
COURSE_ENTRIES = [
    page("courses/my-evaluations/", NO_INSTRUCTOR_HERE),
    page(
        "courses/my-evaluations/comments/<int:rating_id>/reply/",
        NO_INSTRUCTOR_HERE,
        method="post",
        data={},
        url=lambda w: f"/courses/my-evaluations/comments/{w.objects['evaluation'].rating_id}/reply/",
    ),
    # The victim already evaluated it: the page says so.
    page(
        "courses/enrolments/<int:enrolment_id>/evaluate/",
        OWN_ENROLMENT,
        url=lambda w: f"/courses/enrolments/{w.objects['evaluated enrolment'].pk}/evaluate/",
    ),
    page("courses/<str:code>/", PUBLIC, url=course_url()),
    page(
        "courses/<str:code>/suggest/",
        expect((ANONYMOUS, 302), ({"learner"}, 200), (SIGNED_IN - {"learner"}, 403)),
        url=course_url("suggest/"),
    ),
    page("courses/suggestions/<str:reference>/", PUBLIC, url=suggestion_url()),
    # Supporting answers with a message and goes back (the victim proposed it; the others are no learners).
    page(
        "courses/suggestions/<str:reference>/support/",
        OWN_FORM_REDIRECTS,
        method="post",
        data={},
        url=suggestion_url("support/"),
    ),
    page(
        "courses/suggestions/<str:reference>/answer/<slug:move>/",
        expect((ANONYMOUS, 302), (COURSE_OWNERS, 302), (NOT_COURSE_OWNERS, 403)),
        method="post",
        data={},
        url=suggestion_url("answer/accept/"),
    ),
    page(
        "courses/suggestions/<str:reference>/attachments/<int:attachment_id>/",
        expect(
            (ANONYMOUS, 302),
            ({"learner"} | COURSE_OWNERS, 200),
            (SIGNED_IN - {"learner"} - COURSE_OWNERS, 404),
        ),
        readers=COURSE_OWNERS,
        url=lambda w: (
            f"/courses/suggestions/{w.objects['suggestion'].reference}/attachments/"
            f"{w.objects['suggestion attachment'].pk}/"
        ),
    ),
    page("api/v1/me/evaluation-results/", expect((ANONYMOUS, 403), (SIGNED_IN, 403))),
    page(
        "api/v1/course-comments/<int:rating_id>/reply/",
        expect((ANONYMOUS, 403), (SIGNED_IN, 403)),
        method="json",
        data={},
        url=lambda w: f"/api/v1/course-comments/{w.objects['evaluation'].rating_id}/reply/",
    ),
    page(
        "api/v1/enrolments/<int:enrolment_id>/evaluation/",
        expect(
            (ANONYMOUS, 403),
            ({"learner"}, 200),
            ({"other learner", "co-learner"}, 404),
            (SIGNED_IN - LEARNER_ACCOUNTS, 403),
        ),
        url=lambda w: f"/api/v1/enrolments/{w.objects['evaluated enrolment'].pk}/evaluation/",
    ),
    page("api/v1/courses/<str:code>/", PUBLIC, url=course_url(prefix="/api/v1/courses/")),
    page(
        "api/v1/courses/<str:code>/comments/", PUBLIC, url=course_url("comments/", prefix="/api/v1/courses/")
    ),
    page(
        "api/v1/courses/<str:code>/versions/", PUBLIC, url=course_url("versions/", prefix="/api/v1/courses/")
    ),
    page(
        "api/v1/courses/<str:code>/suggestions/",
        PUBLIC,
        url=course_url("suggestions/", prefix="/api/v1/courses/"),
    ),
    page(
        "api/v1/course-suggestions/<str:reference>/",
        PUBLIC,
        url=suggestion_url(prefix="/api/v1/course-suggestions/"),
    ),
    *(
        page(
            f"api/v1/course-suggestions/<str:reference>/{action}/",
            expect(
                (ANONYMOUS, 403),
                (COURSE_OWNERS, 403 if action == "support" else REACHED),
                (NOT_COURSE_OWNERS, 403),
            ),
            method="json",
            data={},
            url=suggestion_url(f"{action}/", prefix="/api/v1/course-suggestions/"),
        )
        for action in SUGGESTION_ACTIONS
    ),
    # The owners answer in the admin too (then rolled back); the moderators publish the victim's text.
    page(
        "admin/courses/updatesuggestion/<path:object_id>/move/<slug:name>/",
        expect((NOT_STAFF, 302), (COURSE_OWNERS, 302), (STAFF - COURSE_OWNERS, 302)),
        method="post",
        data={},
        url=lambda w: f"/admin/courses/updatesuggestion/{w.objects['suggestion'].pk}/move/accept/",
    ),
    page(
        "admin/courses/evaluationtext/<path:object_id>/move/<slug:name>/",
        expect((NOT_STAFF, 302), (MODERATORS, 302), (STAFF - MODERATORS, 403)),
        method="post",
        data={},
        url=lambda w: f"/admin/courses/evaluationtext/{w.objects['evaluation text'].pk}/move/publish/",
    ),
]


# Counselling: anyone signed in finds counsellors; the victim's appointment is theirs, their guardian's, their
# counsellor's (the subject staff member) and the counselling desk's (every agent, supervisor, manager and
# leader); only the counsellor reaches their schedule and hours, only the guardian consents for the victim.
COUNSELLING_DESK = FEEDBACK_STAFF
COUNSELLING_HANDLERS = COUNSELLING_DESK - {"manager"}
APPOINTMENT_PARTIES = frozenset({"learner", "guardian"}) | COUNSELLING_DESK
APPOINTMENT_OUTSIDERS = SIGNED_IN - APPOINTMENT_PARTIES
APPOINTMENT_READERS = APPOINTMENT_PARTIES - {"learner"}
COUNSELLOR = frozenset({"subject staff member"})
COUNSELLOR_ONLY = expect((ANONYMOUS, 302), (COUNSELLOR, 200), (SIGNED_IN - COUNSELLOR, 404))
COUNSELLING_ACTIONS = tuple(COUNSELLING_ACTION_VIEWS)


def appointment_url(
    suffix: str = "", *, prefix: str = "/counselling/appointments/"
) -> Callable[[World], str]:
    return lambda w: f"{prefix}{w.objects['appointment'].reference}/{suffix}"


# Session records: the client answers the intake and rates; only the counsellor writes and reads the record,
# and the supervisor reads it through the grant the world gives them; no one else reaches a record, the desk
# included. Penalties are the counsellor's own.
CLIENT = frozenset({"learner"})
RECORD_READERS = COUNSELLOR | {"supervisor"}
CLIENT_ONLY_PAGE = expect((ANONYMOUS, 302), (CLIENT, 200), (SIGNED_IN - CLIENT, 404))
RECORD_ENTRIES = [
    page(
        "counselling/appointments/<str:reference>/intake/",
        CLIENT_ONLY_PAGE,
        url=appointment_url("intake/"),
    ),
    page(
        "counselling/appointments/<str:reference>/complaint/",
        CLIENT_ONLY_PAGE,
        url=appointment_url("complaint/"),
    ),
    page(
        "counselling/appointments/<str:reference>/rate/",
        expect((ANONYMOUS, 302), (CLIENT, 400), (SIGNED_IN - CLIENT, 404)),
        method="post",
        data={},
        url=appointment_url("rate/"),
    ),
    page(
        "counselling/schedule/<str:reference>/record/",
        COUNSELLOR_ONLY,
        readers=COUNSELLOR,
        url=lambda w: f"/counselling/schedule/{w.objects['attended appointment'].reference}/record/",
    ),
    page("counselling/records/", OWN_PAGE),
    page(
        "counselling/records/<int:pk>/",
        expect((ANONYMOUS, 302), (RECORD_READERS, 200), (SIGNED_IN - RECORD_READERS, 404)),
        readers=RECORD_READERS,
        url=lambda w: f"/counselling/records/{w.objects['session record'].pk}/",
    ),
    page("counselling/penalties/", COUNSELLOR_ONLY),
    page("counselling/comments/", COUNSELLOR_ONLY),
    page(
        "counselling/comments/<int:pk>/reply/",
        expect((ANONYMOUS, 302), (COUNSELLOR, 400), (SIGNED_IN - COUNSELLOR, 404)),
        method="post",
        data={},
        url=lambda w: f"/counselling/comments/{w.objects['counsellor comment id']}/reply/",
    ),
    page(
        "counselling/penalties/<int:pk>/reply/",
        expect((ANONYMOUS, 302), (COUNSELLOR, 400), (SIGNED_IN - COUNSELLOR, 404)),
        method="post",
        data={},
        url=lambda w: f"/counselling/penalties/{w.objects['penalty'].pk}/reply/",
    ),
    page(
        "api/v1/counselling/appointments/<str:reference>/record/",
        expect((ANONYMOUS, 403), (COUNSELLOR, 400), (SIGNED_IN - COUNSELLOR, 404)),
        method="json",
        data={},
        url=lambda w: (
            f"/api/v1/counselling/appointments/{w.objects['attended appointment'].reference}/record/"
        ),
    ),
    page(
        "api/v1/counselling/appointments/<str:reference>/intake/",
        expect((ANONYMOUS, 403), (CLIENT, 200), (SIGNED_IN - CLIENT, 404)),
        url=appointment_url("intake/", prefix="/api/v1/counselling/appointments/"),
    ),
    page(
        "api/v1/counselling/appointments/<str:reference>/rating/",
        expect((ANONYMOUS, 403), (CLIENT, 400), (SIGNED_IN - CLIENT, 404)),
        method="json",
        data={},
        url=appointment_url("rating/", prefix="/api/v1/counselling/appointments/"),
    ),
    page("api/v1/counselling/records/", API_OWN),
    page(
        "api/v1/counselling/records/<int:pk>/",
        expect((ANONYMOUS, 403), (RECORD_READERS, 200), (SIGNED_IN - RECORD_READERS, 404)),
        readers=RECORD_READERS,
        url=lambda w: f"/api/v1/counselling/records/{w.objects['session record'].pk}/",
    ),
    page(
        "api/v1/counselling/penalties/",
        expect((ANONYMOUS, 403), (COUNSELLOR, 200), (SIGNED_IN - COUNSELLOR, 404)),
    ),
    page(
        "api/v1/counselling/penalties/<int:pk>/reply/",
        expect((ANONYMOUS, 403), (COUNSELLOR, 400), (SIGNED_IN - COUNSELLOR, 404)),
        method="json",
        data={},
        url=lambda w: f"/api/v1/counselling/penalties/{w.objects['penalty'].pk}/reply/",
    ),
]

COUNSELLING_ENTRIES = [
    page("counselling/", OWN_PAGE),
    page(
        "counselling/counsellors/<int:pk>/",
        OWN_PAGE,
        url=lambda w: f"/counselling/counsellors/{w.objects['counsellor'].pk}/",
    ),
    page(
        "counselling/counsellors/<int:pk>/photo/",
        expect((ANONYMOUS, 302), (SIGNED_IN, 404)),  # this counsellor has no photo
        url=lambda w: f"/counselling/counsellors/{w.objects['counsellor'].pk}/photo/",
    ),
    page("counselling/book/", OWN_FORM_REDIRECTS, method="post", data={}),
    page("counselling/identity/", OWN_PAGE),
    page("counselling/identity/confirm/", OWN_FORM_REFUSED, method="post", data={}),
    page("counselling/appointments/", OWN_PAGE),
    page(
        "counselling/appointments/<str:reference>/",
        expect((ANONYMOUS, 302), (APPOINTMENT_PARTIES, 200), (APPOINTMENT_OUTSIDERS, 404)),
        readers=APPOINTMENT_READERS,
        url=appointment_url(),
    ),
    *(
        page(
            f"counselling/appointments/<str:reference>/{action}/",
            expect(
                (ANONYMOUS, 302), (APPOINTMENT_PARTIES, frozenset({400, 409})), (APPOINTMENT_OUTSIDERS, 404)
            ),
            readers=APPOINTMENT_READERS,
            method="post",
            data={},
            url=appointment_url(f"{action}/"),
        )
        for action in ("confirm", "cancel")
    ),
    page(
        "counselling/restrictions/<int:pk>/appeal/",
        expect((ANONYMOUS, 302), ({"learner"}, 400), (SIGNED_IN - {"learner"}, 404)),
        method="post",
        data={},
        url=lambda w: f"/counselling/restrictions/{w.objects['restriction'].pk}/appeal/",
    ),
    page("counselling/wards/", OWN_PAGE, readers=frozenset({"guardian"})),
    page(
        "counselling/wards/<int:learner_id>/consent/",
        expect((ANONYMOUS, 302), ({"guardian"}, 302), (SIGNED_IN - {"guardian"}, 404)),
        method="post",
        data={},
        url=lambda w: f"/counselling/wards/{w.people['learner'].pk}/consent/",
    ),
    page("counselling/schedule/", COUNSELLOR_ONLY, readers=COUNSELLOR),
    page(
        "counselling/schedule/<str:reference>/<slug:action>/",
        expect((ANONYMOUS, 302), (COUNSELLOR, 302), (SIGNED_IN - COUNSELLOR, 404)),
        readers=COUNSELLOR,
        method="post",
        data={},
        url=lambda w: f"/counselling/schedule/{w.objects['appointment'].reference}/complete/",
    ),
    page("counselling/availability/", COUNSELLOR_ONLY),
    page(
        "counselling/availability/exceptions/",
        expect((ANONYMOUS, 302), (COUNSELLOR, 400), (SIGNED_IN - COUNSELLOR, 404)),
        method="post",
        data={},
    ),
    page(
        "counselling/availability/exceptions/<int:pk>/remove/",
        expect((ANONYMOUS, 302), (COUNSELLOR, 302), (SIGNED_IN - COUNSELLOR, 404)),
        method="post",
        data={},
        url=lambda w: (
            f"/counselling/availability/exceptions/{w.objects['availability exception'].pk}/remove/"
        ),
    ),
    page("api/v1/counselling/counsellors/", API_OWN),
    page(
        "api/v1/counselling/counsellors/<int:pk>/",
        API_OWN,
        url=lambda w: f"/api/v1/counselling/counsellors/{w.objects['counsellor'].pk}/",
    ),
    page(
        "api/v1/counselling/counsellors/<int:pk>/slots/",
        API_OWN,
        url=lambda w: (
            f"/api/v1/counselling/counsellors/{w.objects['counsellor'].pk}/slots/?first=2026-12-08&last=2026-12-09"
        ),
    ),
    page("api/v1/counselling/eligibility/", API_OWN),
    page("api/v1/counselling/identity/", API_OWN),
    page(
        "api/v1/counselling/identity/confirm/",
        expect((ANONYMOUS, 403), (SIGNED_IN, 400)),
        method="json",
        data={},
    ),
    page("api/v1/counselling/appointments/", API_OWN, readers=APPOINTMENT_READERS),
    page(
        "api/v1/counselling/appointments/<str:reference>/",
        expect((ANONYMOUS, 403), (APPOINTMENT_PARTIES, 200), (APPOINTMENT_OUTSIDERS, 404)),
        readers=APPOINTMENT_READERS,
        url=appointment_url(prefix="/api/v1/counselling/appointments/"),
    ),
    *(
        page(
            f"api/v1/counselling/appointments/<str:reference>/{action}/",
            expect((ANONYMOUS, 403), (APPOINTMENT_PARTIES, REACHED), (APPOINTMENT_OUTSIDERS, 404)),
            readers=APPOINTMENT_READERS,
            method="json",
            data={},
            url=appointment_url(f"{action}/", prefix="/api/v1/counselling/appointments/"),
        )
        for action in COUNSELLING_ACTIONS
    ),
    page(
        "api/v1/counselling/restrictions/<int:pk>/appeal/",
        expect((ANONYMOUS, 403), ({"learner"}, 400), (SIGNED_IN - {"learner"}, 404)),
        method="json",
        data={},
        url=lambda w: f"/api/v1/counselling/restrictions/{w.objects['restriction'].pk}/appeal/",
    ),
    *RECORD_ENTRIES,
]

API_ENTRIES = [
    # A person's record is for the staff who may read it by the access policy; no role here may.
    page(
        "api/v1/people/<int:pk>/",
        expect((ANONYMOUS | LEARNERS, 403), (STAFF, 404)),
        url=lambda w: f"/api/v1/people/{w.people['learner'].pk}/",
    ),
    page("api/v1/me/access-log/", API_OWN),
    page(
        "api/v1/reports/summary/",
        expect((ANONYMOUS, 403), (DASHBOARD_READERS, 200), (SIGNED_IN - DASHBOARD_READERS, 403)),
        readers=DASHBOARD_READERS,
    ),
    page("api/v1/me/points/", API_OWN),
    page("api/v1/me/points/awards/", API_OWN),
    page("api/v1/me/rewards/", API_OWN),
    page("api/v1/reviews/", REVIEW_API),
    page("api/v1/reviews/<int:pk>/", REVIEW_API, url=lambda w: f"/api/v1/reviews/{w.objects['review'].pk}/"),
    # The decision's owner (the agent) and the managers mark it done; no one else is told it exists.
    page(
        "api/v1/review-decisions/<int:pk>/complete/",
        expect(
            (ANONYMOUS, 403),
            (DASHBOARD_READERS | {"agent"}, 200),
            (SIGNED_IN - DASHBOARD_READERS - {"agent"}, 404),
        ),
        method="json",
        data={},
        url=lambda w: f"/api/v1/review-decisions/{w.objects['decision'].pk}/complete/",
    ),
    page(
        "api/v1/feedback/analysis/",
        expect((ANONYMOUS, 403), (DASHBOARD_READERS, 200), (SIGNED_IN - DASHBOARD_READERS, 403)),
        readers=DASHBOARD_READERS,
    ),
    page("api/v1/categories/", API_OWN),
    page("api/v1/surveys/invitations/", API_OWN),
    page(
        "api/v1/surveys/invitations/<int:pk>/",
        expect((ANONYMOUS, 403), ({"learner"}, 200), (SIGNED_IN - {"learner"}, 404)),
        url=lambda w: f"/api/v1/surveys/invitations/{w.objects['survey invitation'].pk}/",
    ),
    page(
        "api/v1/surveys/invitations/<int:pk>/answer/",
        expect((ANONYMOUS, 403), ({"learner"}, 400), (SIGNED_IN - {"learner"}, 404)),
        method="json",
        data={},
        url=lambda w: f"/api/v1/surveys/invitations/{w.objects['survey invitation'].pk}/answer/",
    ),
    *(
        page(
            f"api/v1/surveys/<int:pk>/{part}/",
            expect((ANONYMOUS, 403), (SURVEY_STAFF, 200), (SIGNED_IN - SURVEY_STAFF, 403)),
            url=lambda w, part=part: f"/api/v1/surveys/{w.objects['survey'].pk}/{part}/",
        )
        for part in ("rates", "results")
    ),
    page("api/v1/complaints/", API_OWN, readers=CASE),
    page(
        "api/v1/complaints/<str:reference>/",
        API_CASE,
        readers=CASE,
        url=complaint_url(prefix="/api/v1/complaints/"),
    ),
    page(
        "api/v1/complaints/<str:reference>/duplicates/",
        # Learners are refused before any complaint is looked up, whoever's it is.
        expect((ANONYMOUS | LEARNERS, 403), (CASE_STAFF, 200), (OUTSIDE_STAFF, 404)),
        readers=CASE,
        url=complaint_url("duplicates/", prefix="/api/v1/complaints/"),
    ),
    page(
        "api/v1/complaints/<str:reference>/attachments/<int:pk>/",
        API_CASE,
        readers=CASE,
        url=lambda w: f"/api/v1/complaints/{w.complaint.reference}/attachments/{w.objects['attachment'].pk}/",
    ),
    *(
        page(
            f"api/v1/complaints/<str:reference>/{action}/",
            API_ACTION,
            readers=CASE,
            method="json",
            data={},
            url=complaint_url(f"{action}/", prefix="/api/v1/complaints/"),
        )
        for action in ACTION_VIEWS
    ),
    # A remedy is the victim's: a co-learner of the complaint is not told it exists.
    page(
        "api/v1/remedies/<int:pk>/carry-out/",
        expect(
            (ANONYMOUS, 403),
            ({"learner", "guardian"}, 403),
            (CASE_STAFF, REACHED),
            (OUTSIDERS | {"co-learner"}, 404),
        ),
        readers=CASE,
        method="json",
        data={},
        url=lambda w: f"/api/v1/remedies/{w.objects['remedy'].pk}/carry-out/",
    ),
    # Improvement actions are staff's follow-up: no learner is told they exist.
    page(
        "api/v1/improvement-actions/<int:pk>/complete/",
        expect((ANONYMOUS, 403), (CASE_STAFF, REACHED), (LEARNERS | OUTSIDE_STAFF, 404)),
        readers=CASE_STAFF,
        method="json",
        data={},
        url=lambda w: f"/api/v1/improvement-actions/{w.objects['improvement'].pk}/complete/",
    ),
]

INTAKE_STAFF = STAFF - {"legal", "safety"}
ADMIN_ENTRIES = [
    page("admin/", ADMIN_STAFF_PAGE),
    page("admin/login/", expect((NOT_STAFF, 200), (STAFF, 302))),
    page("admin/password_change/", ADMIN_STAFF_PAGE),
    page("admin/password_change/done/", ADMIN_STAFF_PAGE),
    # Asked by POST, the term in the body; a GET is refused: privacy/tests/test_admin_autocomplete_by_post.py
    page(
        "admin/autocomplete/",
        expect((NOT_STAFF, 302), (STAFF, 403)),
        method="post",
        data={
            "app_label": "accounts",
            "model_name": "guardianship",
            "field_name": "learner",
            "term": VICTIM_NAME,
        },
    ),
    page(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        expect((NOT_STAFF, 302), (STAFF, 404)),
        url=lambda w: f"/admin/r/{ContentType.objects.get_for_model(Complaint).pk}/{w.complaint.pk}/",
    ),
    page(admin_app_index_pattern(), ADMIN_STAFF_PAGE, url=lambda w: "/admin/complaints/"),
    # The staff's second factor: the admin's screens of a device's key are for superusers only.
    *(
        page(
            f"admin/otp_totp/totpdevice/<int:pk>/{screen}/",
            expect((NOT_STAFF, 302), (STAFF, 403)),
            url=lambda w, screen=screen: f"/admin/otp_totp/totpdevice/{staff_device(w).pk}/{screen}/",
        )
        for screen in ("config", "qrcode")
    ),
    page(
        "admin/(?P<url>.*)$",
        expect((NOT_STAFF, 302), (STAFF, 404)),
        url=lambda w: "/admin/no-such-screen/",
    ),
    page(
        "admin/complaints/complaint/intake/",
        expect((NOT_STAFF, 302), (INTAKE_STAFF, 200), (STAFF - INTAKE_STAFF, 403)),
    ),
    page(
        "admin/complaints/complaint/intake/file/",
        expect((NOT_STAFF, 302), (INTAKE_STAFF, 400), (STAFF - INTAKE_STAFF, 403)),
        method="post",
        data={},
    ),
    page(
        "admin/complaints/complaint/<path:object_id>/workspace/<slug:action>/",
        expect((NOT_STAFF, 302), (HANDLERS, 302), ({"manager"}, 403), (OUTSIDE_STAFF, 404)),
        readers=CASE_STAFF,
        method="post",
        data={"body": "核实"},
        url=lambda w: f"/admin/complaints/complaint/{w.complaint.pk}/workspace/notes/",
    ),
    # A moderator publishes the victim's waiting comment (then rolled back); other staff are refused before
    # the comment is looked up.
    page(
        "admin/ratings/rating/<path:object_id>/move/<slug:name>/",
        expect((NOT_STAFF, 302), (MODERATORS, 302), (STAFF - MODERATORS, 403)),
        method="post",
        data={},
        url=lambda w: f"/admin/ratings/rating/{w.objects['rating'].pk}/move/publish/",
    ),
    # A reviewer verifies the victim's certificate (then rolled back); other staff are refused before it is
    # looked up. Its scan is downloaded by reviewers only, each read logged.
    page(
        "admin/qualifications/qualification/<path:object_id>/move/<slug:name>/",
        expect((NOT_STAFF, 302), (VETTERS, 302), (STAFF - VETTERS, 403)),
        method="post",
        data={},
        url=lambda w: f"/admin/qualifications/qualification/{w.objects['qualification'].pk}/move/verify/",
    ),
    page(
        "admin/courses/developmentrecord/due/",
        expect((NOT_STAFF, 302), (MANAGERS, 200), (STAFF - MANAGERS, 403)),
    ),
    page(
        "admin/qualifications/qualification/<path:object_id>/scan/",
        expect((NOT_STAFF, 302), (VETTERS, 200), (STAFF - VETTERS, 403)),
        readers=VETTERS,
        url=lambda w: f"/admin/qualifications/qualification/{w.objects['qualification'].pk}/scan/",
    ),
    page(
        "admin/accounts/user/<id>/password/",
        expect((NOT_STAFF, 302), (STAFF, 403)),
        url=lambda w: f"/admin/accounts/user/{w.people['learner'].pk}/password/",
    ),
]

# The admin's screens for each registered model. The staff's rights per model: who reads its list, who
# reads one row of the victim's (``None``: no one, 403), and whose rows hide from the row screens (302,
# the admin's "does not exist" redirect, for a row outside the reader's queryset); ``readers``, when given,
# who of them may also read the victim's data there (by default all of them).
LEGAL = frozenset({"legal"})
SPOT_CHECKERS = frozenset({"supervisor", "manager"})
SAFETY_READERS = frozenset({"safety", "leadership"})
# Who reads the chats: the customer-service agents (every agent here), supervisors, managers, the leadership.
CHAT_READERS = frozenset(
    {"agent", "supervisor", "manager", "leadership", "agent of another department", "subject staff member"}
)
ADMIN_MODEL_READERS: dict[type, dict[str, frozenset]] = {
    Complaint: {"list": STAFF, "row": CASE_STAFF, "hidden": OUTSIDE_STAFF},
    PolicyConsent: {"list": LEGAL, "row": LEGAL},
    AccessLogEntry: {"list": LEGAL, "row": LEGAL},
    ErasureRequest: {"list": LEGAL, "row": LEGAL},
    # The points ledger and the reviews: managers and the leadership group; they add rules, measures and
    # schedules, while awards, rewards, reviews and reminders are written by services only.
    Award: {"list": DASHBOARD_READERS, "row": DASHBOARD_READERS},
    Reward: {"list": DASHBOARD_READERS, "row": DASHBOARD_READERS},
    RewardRule: {"list": DASHBOARD_READERS, "row": DASHBOARD_READERS, "add": DASHBOARD_READERS},
    RightsMeasure: {"list": DASHBOARD_READERS, "row": DASHBOARD_READERS, "add": DASHBOARD_READERS},
    ReviewSchedule: {"list": DASHBOARD_READERS, "row": DASHBOARD_READERS, "add": DASHBOARD_READERS},
    Review: {"list": DASHBOARD_READERS, "row": DASHBOARD_READERS},
    ReviewDecision: {"list": DASHBOARD_READERS, "row": DASHBOARD_READERS},
    ReviewReminder: {"list": DASHBOARD_READERS, "row": DASHBOARD_READERS},
    # Feedback: the learner-services team reads; those who enter feedback add categories and meetings.
    FeedbackItem: {"list": FEEDBACK_STAFF, "row": FEEDBACK_STAFF},
    FeedbackCategory: {"list": FEEDBACK_STAFF, "row": FEEDBACK_STAFF, "add": FEEDBACK_STAFF},
    PaperBatch: {"list": FEEDBACK_STAFF, "row": FEEDBACK_STAFF},
    RepresentativeMeeting: {"list": FEEDBACK_STAFF, "row": FEEDBACK_STAFF, "add": FEEDBACK_STAFF},
    Questionnaire: {"list": SURVEY_STAFF, "row": SURVEY_STAFF, "add": SURVEY_STAFF},
    Survey: {"list": SURVEY_STAFF, "row": SURVEY_STAFF, "add": SURVEY_STAFF},
    Answer: {"list": SURVEY_STAFF, "row": SURVEY_STAFF},
    # Refunds: the learner-services team reads requests and policies; managers and leaders publish policies.
    RefundRequest: {"list": REFUND_STAFF, "row": REFUND_STAFF},
    RefundPolicy: {"list": REFUND_STAFF, "row": REFUND_STAFF, "add": DASHBOARD_READERS},
    # The moderation queue shows the victim's comment to its moderators, and never the victim's name.
    Rating: {"list": MODERATORS, "row": MODERATORS, "readers": frozenset()},
    Qualification: {"list": VETTERS, "row": VETTERS},
    # Course evaluations: the moderators read the victim's free text, never their name; the suggestions queue
    # is every staff member's, each sees their own department's courses' suggestions (the victim's text is
    # public anyway).
    EvaluationText: {"list": MODERATORS, "row": MODERATORS, "readers": frozenset()},
    UpdateSuggestion: {"list": STAFF, "row": COURSE_OWNERS, "hidden": STAFF - COURSE_OWNERS},
    # Counselling: the desk reads; agents, supervisors and the leadership group add counsellors and
    # specialities and set the no-show limit (one row, already saved here); appointments, restrictions and
    # appeals change through their services only.
    Speciality: {"list": COUNSELLING_DESK, "row": COUNSELLING_DESK, "add": COUNSELLING_HANDLERS},
    Counsellor: {"list": COUNSELLING_DESK, "row": COUNSELLING_DESK, "add": COUNSELLING_HANDLERS},
    Appointment: {"list": COUNSELLING_DESK, "row": COUNSELLING_DESK},
    NoShowPolicy: {"list": COUNSELLING_DESK, "row": COUNSELLING_DESK},
    BookingRestriction: {"list": COUNSELLING_DESK, "row": COUNSELLING_DESK},
    RestrictionAppeal: {"list": COUNSELLING_DESK, "row": COUNSELLING_DESK},
    # Supervision: the managers and the leadership group grant, review, record assessments and penalties
    # (added through their services, never changed); supervisors and managers draw samples and record
    # findings, which the leadership reads; the safety officer and the leadership read the safety cases.
    RecordGrant: {"list": DASHBOARD_READERS, "row": DASHBOARD_READERS, "add": DASHBOARD_READERS},
    CounsellorReview: {"list": DASHBOARD_READERS, "row": DASHBOARD_READERS, "add": DASHBOARD_READERS},
    ExpertAssessment: {"list": DASHBOARD_READERS, "row": DASHBOARD_READERS, "add": DASHBOARD_READERS},
    CounsellorPenalty: {"list": DASHBOARD_READERS, "row": DASHBOARD_READERS, "add": DASHBOARD_READERS},
    SpotCheckSample: {
        "list": SPOT_CHECKERS | {"leadership"},
        "row": SPOT_CHECKERS | {"leadership"},
        "add": SPOT_CHECKERS,
    },
    SpotCheckFinding: {
        "list": SPOT_CHECKERS | {"leadership"},
        "row": SPOT_CHECKERS | {"leadership"},
        "add": SPOT_CHECKERS,
    },
    SafetyCase: {"list": SAFETY_READERS, "row": SAFETY_READERS},
    # Managers keep the instructors' training and assessment records and read the instructor list.
    DevelopmentRequirement: {"list": MANAGERS, "row": MANAGERS, "add": MANAGERS},
    DevelopmentRecord: {"list": MANAGERS, "row": MANAGERS, "add": MANAGERS},
    Instructor: {"list": MANAGERS, "row": MANAGERS},
    QualificationKind: {"list": VETTERS, "row": VETTERS, "add": VETTERS},
    # Activities: the learner-services team prepares them and reads who registered (names included).
    Activity: {"list": ACTIVITY_STAFF, "row": ACTIVITY_STAFF, "add": ACTIVITY_STAFF},
    Registration: {"list": ACTIVITY_STAFF, "row": ACTIVITY_STAFF},
    # The community's moderators work the queue and the appeals and keep the sensitive-word list.
    # Every member of staff lists the visible posts (authors' display names are public there).
    CommunityPost: {"list": STAFF, "row": STAFF},
    CommunityReport: {"list": frozenset({"supervisor"}), "row": frozenset({"supervisor"})},
    # The moderators also read every reply and every decision taken, hidden messages included.
    CommunityReply: {"list": frozenset({"supervisor"}), "row": frozenset({"supervisor"})},
    ModerationAction: {"list": frozenset({"supervisor"}), "row": frozenset({"supervisor"})},
    CommunityAppeal: {"list": frozenset({"supervisor"}), "row": frozenset({"supervisor"})},
    SensitiveWord: {
        "list": frozenset({"supervisor"}),
        "row": frozenset({"supervisor"}),
        "add": frozenset({"supervisor"}),
    },
    # The online customer service: its staff and those who lead them read every chat (the learner's name and
    # messages; each read logged); legal counsel and the safety officer do not.
    Chat: {"list": CHAT_READERS, "row": CHAT_READERS},
}
# Rows whose history screen looks the row up in a queryset no staff role reaches: "does not exist" for all.
ADMIN_HISTORY_HIDDEN = frozenset({User, IdentityDocument})


def admin_object(world: World, model: type):
    """The victim's row of the model, or for reference data (groups, rules, calendars) its first row."""
    for obj in (*world.objects.values(), world.people["learner"]):
        if type(obj) is model:
            return obj
    if model is Group:
        return Group.objects.order_by("pk").first()
    return model._default_manager.order_by("pk").first()


def admin_entries(model: type) -> list[Entry]:
    meta = model._meta
    base = f"admin/{meta.app_label}/{meta.model_name}/"
    rights = ADMIN_MODEL_READERS.get(model, {})
    list_readers = rights.get("list", frozenset())
    row_readers = rights.get("row", frozenset())
    hidden = rights.get("hidden", frozenset())
    adders = rights.get("add", frozenset())
    refused = STAFF - row_readers - hidden

    def row_url(suffix):
        return lambda w: f"/{base}{admin_object(w, model).pk}/{suffix}"

    row = expect((NOT_STAFF, 302), (row_readers, 200), (hidden, 302), (refused, 403))
    history_hidden = expect((NOT_STAFF, 302), (STAFF, 302))
    readers = rights.get("readers", row_readers | list_readers)
    return [
        page(
            base, expect((NOT_STAFF, 302), (list_readers, 200), (STAFF - list_readers, 403)), readers=readers
        ),
        page(f"{base}add/", expect((NOT_STAFF, 302), (adders, 200), (STAFF - adders, 403))),
        page(f"{base}<path:object_id>/change/", row, readers=readers, url=row_url("change/")),
        page(
            f"{base}<path:object_id>/history/",
            history_hidden if model in ADMIN_HISTORY_HIDDEN else row,
            readers=readers,
            url=row_url("history/"),
        ),
        page(
            f"{base}<path:object_id>/delete/",
            expect((NOT_STAFF, 302), (STAFF, 403)),
            url=row_url("delete/"),
        ),
        # The bare row address only redirects to the change screen, for whoever asks.
        page(f"{base}<path:object_id>/", expect((EVERYONE, 302)), url=row_url("")),
    ]


# The community: every signed-in person reads the boards and threads (an author's display name is public
# there), posts, replies, likes, follows and reports; the victim alone reads and appeals the decisions about
# their own messages; the moderators (the supervisors' role) mark official answers and work the queue.
COMMUNITY_MODERATORS = frozenset({"supervisor"})


def community_thread(suffix: str = "", *, prefix: str = "/community/experience/") -> Callable[[World], str]:
    return lambda w: f"{prefix}{w.objects['community post'].pk}/{suffix}"


THREAD_PATTERN = "community/<slug:board>/<int:post_id>/"
COMMUNITY_ENTRIES = [
    page("community/", OWN_PAGE),
    page("community/search/", OWN_PAGE, readers=SIGNED_IN, url=lambda w: "/community/search/?q=备考"),
    page("community/my/moderation/", OWN_PAGE),
    page(
        "community/my/moderation/<int:action_id>/appeal/",
        expect((ANONYMOUS, 302), ({"learner"}, 200), (SIGNED_IN - {"learner"}, 404)),
        url=lambda w: f"/community/my/moderation/{w.objects['community warning'].pk}/appeal/",
    ),
    page("community/<slug:board>/", OWN_PAGE, readers=SIGNED_IN, url=lambda w: "/community/experience/"),
    page("community/<slug:board>/new/", OWN_PAGE, url=lambda w: "/community/experience/new/"),
    page(THREAD_PATTERN, OWN_PAGE, readers=SIGNED_IN, url=community_thread()),
    *(
        page(
            f"{THREAD_PATTERN}{action}/",
            OWN_FORM_REFUSED,
            readers=SIGNED_IN,
            method="post",
            data={},
            url=community_thread(f"{action}/"),
        )
        for action in ("reply", "report")
    ),
    *(
        page(
            f"{THREAD_PATTERN}{action}/",
            OWN_FORM_REDIRECTS,
            method="post",
            data={},
            url=community_thread(f"{action}/"),
        )
        for action in ("like", "follow")
    ),
    page(
        f"{THREAD_PATTERN}replies/<int:reply_id>/official/",
        expect((ANONYMOUS, 302), (COMMUNITY_MODERATORS, 302), (SIGNED_IN - COMMUNITY_MODERATORS, 403)),
        method="post",
        data={},
        url=lambda w: community_thread(f"replies/{w.objects['community reply'].pk}/official/")(w),
    ),
    page(
        f"{THREAD_PATTERN}replies/<int:reply_id>/like/",
        OWN_FORM_REDIRECTS,
        method="post",
        data={},
        url=lambda w: community_thread(f"replies/{w.objects['community reply'].pk}/like/")(w),
    ),
    page(
        f"{THREAD_PATTERN}images/<int:image_id>/",
        OWN_PAGE,
        readers=SIGNED_IN,
        url=lambda w: community_thread(f"images/{w.objects['community image'].pk}/")(w),
    ),
    page("api/v1/community/boards/", API_OWN),
    page(
        "api/v1/community/boards/<slug:slug>/posts/",
        API_OWN,
        readers=SIGNED_IN,
        url=lambda w: "/api/v1/community/boards/experience/posts/",
    ),
    page(
        "api/v1/community/posts/", API_OWN, readers=SIGNED_IN, url=lambda w: "/api/v1/community/posts/?q=备考"
    ),
    page(
        "api/v1/community/posts/<int:pk>/",
        API_OWN,
        readers=SIGNED_IN,
        url=community_thread(prefix="/api/v1/community/posts/"),
    ),
    page(
        "api/v1/community/posts/<int:pk>/replies/",
        API_OWN,
        readers=SIGNED_IN,
        url=community_thread("replies/", prefix="/api/v1/community/posts/"),
    ),
    *(
        page(
            f"api/v1/community/posts/<int:pk>/{action}/",
            expect((ANONYMOUS, 403), (SIGNED_IN, 200)),
            method="json",
            data={},
            url=community_thread(f"{action}/", prefix="/api/v1/community/posts/"),
        )
        for action in ("like", "follow")
    ),
    page(
        "api/v1/community/replies/<int:pk>/like/",
        expect((ANONYMOUS, 403), (SIGNED_IN, 200)),
        method="json",
        data={},
        url=lambda w: f"/api/v1/community/replies/{w.objects['community reply'].pk}/like/",
    ),
    page(
        "api/v1/community/reports/",
        expect((ANONYMOUS, 403), (SIGNED_IN, 400)),
        method="json",
        data={},
    ),
    # The moderators' moves on a report (dismissing it, then rolled back) and on an appeal (refused without
    # its reason: the moderator reaches it); other staff are refused before the row is looked up.
    page(
        "admin/community/report/<path:object_id>/move/<slug:name>/",
        expect((NOT_STAFF, 302), (COMMUNITY_MODERATORS, 302), (STAFF - COMMUNITY_MODERATORS, 403)),
        method="post",
        data={},
        url=lambda w: f"/admin/community/report/{w.objects['community report'].pk}/move/dismiss/",
    ),
    page(
        "admin/community/appeal/<path:object_id>/move/<slug:name>/",
        expect((NOT_STAFF, 302), (COMMUNITY_MODERATORS, 400), (STAFF - COMMUNITY_MODERATORS, 403)),
        method="post",
        data={},
        url=lambda w: f"/admin/community/appeal/{w.objects['community appeal'].pk}/move/reject/",
    ),
    # A moderator's moves on any post or reply, reported or not (refused without their reason: the
    # moderator reaches it); other staff are refused before the row is looked up.
    page(
        "admin/community/post/<path:object_id>/move/<slug:name>/",
        expect((NOT_STAFF, 302), (COMMUNITY_MODERATORS, 400), (STAFF - COMMUNITY_MODERATORS, 403)),
        method="post",
        data={},
        url=lambda w: f"/admin/community/post/{w.objects['community post'].pk}/move/hide/",
    ),
    page(
        "admin/community/reply/<path:object_id>/move/<slug:name>/",
        expect((NOT_STAFF, 302), (COMMUNITY_MODERATORS, 400), (STAFF - COMMUNITY_MODERATORS, 403)),
        method="post",
        data={},
        url=lambda w: f"/admin/community/reply/{w.objects['community reply'].pk}/move/warn/",
    ),
]

# The online customer service: learners and parents open chats and read their own; staff do not open chats.
# Agents and supervisors answer them in the console (which names the victim, whose chat is open) and turn
# them into complaints or feedback (refused here without a category: back to the chat).
CHAT_ANSWERERS = frozenset({"agent", "supervisor", "agent of another department", "subject staff member"})
CHAT_ENTRIES = [
    page("chat/", OWN_PAGE),
    page("chat/start/", expect((ANONYMOUS, 302), (LEARNERS, 302), (STAFF, 403)), method="post", data={}),
    page(
        "chat/<str:reference>/",
        expect((ANONYMOUS, 302), ({"learner"}, 200), (SIGNED_IN - {"learner"}, 404)),
        url=lambda w: f"/chat/{w.objects['chat'].reference}/",
    ),
    page(
        "admin/livechat/chat/console/",
        expect((NOT_STAFF, 302), (CHAT_ANSWERERS, 200), (STAFF - CHAT_ANSWERERS, 403)),
        readers=CHAT_ANSWERERS,
    ),
    page(
        "admin/livechat/chat/<path:object_id>/convert/<slug:kind>/",
        expect((NOT_STAFF, 302), (CHAT_ANSWERERS, 302), (STAFF - CHAT_ANSWERERS, 403)),
        method="post",
        data={},
        url=lambda w: f"/admin/livechat/chat/{w.objects['chat'].pk}/convert/complaint/",
    ),
    # The chat API for a learner's app: the same rules as the pages (an empty message is refused: 400); the
    # list of one's own chats answers every signed-in person as the page does.
    page(
        "api/v1/chats/",
        expect((ANONYMOUS, 403), (LEARNERS, 201), (STAFF, 403)),
        method="json",
        data={},
    ),
    page(
        "api/v1/chats/<str:reference>/",
        expect((ANONYMOUS, 403), ({"learner"}, 200), (SIGNED_IN - {"learner"}, 404)),
        url=lambda w: f"/api/v1/chats/{w.objects['chat'].reference}/",
    ),
    page(
        "api/v1/chats/<str:reference>/messages/",
        expect((ANONYMOUS, 403), ({"learner"}, 400), (SIGNED_IN - {"learner"}, 404)),
        method="json",
        data={},
        url=lambda w: f"/api/v1/chats/{w.objects['chat'].reference}/messages/",
    ),
]

ENTRIES = [
    *SITE_ENTRIES,
    *CHAT_ENTRIES,
    *HELP_ENTRIES,
    *COMMUNITY_ENTRIES,
    *FEEDBACK_ENTRIES,
    *REFUND_ENTRIES,
    *COURSE_ENTRIES,
    *ACTIVITY_ENTRIES,
    *COUNSELLING_ENTRIES,
    *API_ENTRIES,
    *ADMIN_ENTRIES,
    *(entry for model in admin.site._registry for entry in admin_entries(model)),
]

EXEMPT = {
    "healthz": "the load balancer's probe: answers for the services, reads no one's records",
    "healthz/live": "the container's liveness probe: answers without reading anything",
    "healthz/ready": "the load balancer's readiness probe: asks the database one SELECT 1",
    "accounts/log-out/": "ends the caller's own session; reads no one's records",
    "admin/logout/": "ends the caller's own session; reads no one's records",
    "accounts/language/": "sets the caller's own page language; reads no one's records",
    "admin/jsi18n/": "the admin's translation catalogue, the same for everyone",
    "api/v1/schema/": "the API's description, the same for everyone; tests/test_api_schemathesis.py reads it",
    "api/v1/docs/": "the page that shows the API's description; no records",
}


def test_every_url_pattern_is_in_the_matrix_or_exempt():
    covered = [entry.pattern for entry in ENTRIES]
    assert len(covered) == len(set(covered)), "a pattern has two entries"
    patterns = list(url_patterns())
    assert len(patterns) > 200  # the walk reached the admin and the API
    missing = [p for p in patterns if p not in set(covered) and p not in EXEMPT]
    assert missing == [], "URL patterns with no matrix entry and no exemption"
    stale = [p for p in [*covered, *EXEMPT] if p not in patterns]
    assert stale == [], "matrix entries or exemptions for patterns that no longer exist"
    assert not set(covered) & set(EXEMPT)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def ask(client, entry: Entry, url: str):
    if entry.method == "get":
        return client.get(url)
    if entry.method == "json":
        return client.post(url, entry.data, content_type="application/json")
    return client.post(url, entry.data)


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.pattern or "/" for entry in ENTRIES])
def test_each_role_gets_the_expected_answer_and_no_one_elses_data(world, entry):
    url = entry.url(world)
    wrong = []
    for role in ROLES:
        client = world.clients[role]
        savepoint = transaction.savepoint()
        response = ask(client, entry, url)
        transaction.savepoint_rollback(savepoint)
        client.cookies.pop("messages", None)  # a flash message must not follow into the next request
        if response.status_code not in entry.statuses[role]:
            wrong.append(f"{role}: {response.status_code}, expected {sorted(entry.statuses[role])}")
            continue
        if not 200 <= response.status_code < 300:
            continue
        may_read = role == "learner" or role in entry.readers
        forbidden = NEVER_SHOWN_TO.get(role, set()) if may_read else set(MARKERS)
        body = body_of(response)
        shown = sorted(name for name in forbidden if MARKERS[name] in body)
        if shown:
            wrong.append(f"{role}: the victim's {', '.join(shown)} shown")
    assert wrong == [], f"{entry.method.upper()} {url}"
