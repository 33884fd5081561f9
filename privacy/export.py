"""The sections of a person's data export; each app adds what it holds about them.

A section is a function ``(user) -> JSON-serialisable value`` registered under a name. Sections read only the
person's own records, so an export never carries anyone else's data.
"""

from collections.abc import Callable

from accounts.models import Guardianship, User
from courses.models import Enrolment

from .models import AccessLogEntry, DocumentKind, ErasureRequest, PolicyConsent, PurposeConsent

Section = Callable[[User], object]
SECTIONS: dict[str, Section] = {}


def section(name: str) -> Callable[[Section], Section]:
    def register(function: Section) -> Section:
        SECTIONS[name] = function
        return function

    return register


def _when(value) -> str | None:
    return value.isoformat() if value else None


@section("profile")
def profile_section(user: User) -> dict:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "mobile": user.mobile,
        "resident_id": user.resident_id,
        "date_of_birth": _when(user.date_of_birth),
        "home_address": user.home_address,
        "preferred_language": user.preferred_language,
        "date_joined": _when(user.date_joined),
        "roles": sorted(user.role_names),
    }


@section("guardianships")
def guardianships_section(user: User) -> dict:
    return {
        "children": [
            {
                "learner": link.learner.display_name,
                "relationship": link.relationship,
                "since": _when(link.created_at),
            }
            for link in Guardianship.objects.filter(guardian=user).select_related("learner")
        ],
        "guardians": [
            {
                "guardian": link.guardian.display_name,
                "relationship": link.relationship,
                "since": _when(link.created_at),
            }
            for link in Guardianship.objects.filter(learner=user).select_related("guardian")
        ],
    }


@section("enrolments")
def enrolments_section(user: User) -> list:
    return [
        {
            "course": enrolment.course.code,
            "course_title": enrolment.course.title,
            "start_date": _when(enrolment.start_date),
            "valid_until": _when(enrolment.valid_until),
            "amount_paid_cny": str(enrolment.amount_paid),
        }
        for enrolment in Enrolment.objects.filter(learner=user).select_related("course")
    ]


@section("consents")
def consents_section(user: User) -> dict:
    accepted = list(
        PolicyConsent.objects.filter(user=user).select_related("policy_version").order_by("accepted_at")
    )

    def versions(kind: str) -> list:
        return [
            {"version": consent.policy_version.version, "accepted_at": _when(consent.accepted_at)}
            for consent in accepted
            if consent.policy_version.kind == kind
        ]

    return {
        "privacy_policy": versions(DocumentKind.PRIVACY_POLICY),
        "user_agreement": versions(DocumentKind.USER_AGREEMENT),
        "purposes": [
            {
                "purpose": consent.purpose,
                "granted_at": _when(consent.granted_at),
                "withdrawn_at": _when(consent.withdrawn_at),
            }
            for consent in PurposeConsent.objects.filter(user=user)
        ],
    }


@section("access_log")
def access_log_section(user: User) -> list:
    return [
        {
            "when": _when(entry.created_at),
            "read_by": entry.actor.display_name,
            "record": f"{entry.content_type.app_label}.{entry.content_type.model}#{entry.object_id}",
            "fields": entry.fields,
            "through": entry.channel,
            "how": entry.kind,
            "reason": entry.reason,
        }
        for entry in AccessLogEntry.objects.filter(subject=user).select_related("actor", "content_type")
    ]


@section("erasure_requests")
def erasure_requests_section(user: User) -> list:
    return [
        {"requested_at": _when(request.requested_at), "state": request.state}
        for request in ErasureRequest.objects.filter(user=user)
    ]
