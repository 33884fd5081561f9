"""The counselling endpoints under /api/v1/counselling/; an appointment is addressed by its reference."""

from django.urls import path

from . import api

ITEM = "counselling/appointments/<str:reference>/"

urlpatterns = [
    path("counselling/counsellors/", api.CounsellorListAPI.as_view(), name="counselling-counsellor-list"),
    path(
        "counselling/counsellors/<int:pk>/", api.CounsellorDetailAPI.as_view(), name="counselling-counsellor"
    ),
    path(
        "counselling/counsellors/<int:pk>/slots/", api.CounsellorSlotsAPI.as_view(), name="counselling-slots"
    ),
    path("counselling/eligibility/", api.EligibilityAPI.as_view(), name="counselling-eligibility"),
    path("counselling/identity/", api.IdentityAPI.as_view(), name="counselling-identity"),
    path(
        "counselling/identity/confirm/", api.IdentityConfirmAPI.as_view(), name="counselling-identity-confirm"
    ),
    path("counselling/appointments/", api.AppointmentListAPI.as_view(), name="counselling-appointment-list"),
    path(ITEM, api.AppointmentDetailAPI.as_view(), name="counselling-appointment"),
    *(
        path(f"{ITEM}{name}/", view.as_view(), name=f"counselling-appointment-{name}")
        for name, view in api.ACTION_VIEWS.items()
    ),
    path(f"{ITEM}record/", api.AppointmentRecordAPI.as_view(), name="counselling-appointment-record"),
    path(f"{ITEM}intake/", api.AppointmentIntakeAPI.as_view(), name="counselling-appointment-intake"),
    path(f"{ITEM}rating/", api.AppointmentRatingAPI.as_view(), name="counselling-appointment-rating"),
    path("counselling/records/", api.RecordListAPI.as_view(), name="counselling-record-list"),
    path("counselling/records/<int:pk>/", api.RecordDetailAPI.as_view(), name="counselling-record"),
    path("counselling/penalties/", api.PenaltyListAPI.as_view(), name="counselling-penalty-list"),
    path(
        "counselling/penalties/<int:pk>/reply/",
        api.PenaltyReplyAPI.as_view(),
        name="counselling-penalty-reply",
    ),
    path(
        "counselling/restrictions/<int:pk>/appeal/",
        api.RestrictionAppealAPI.as_view(),
        name="counselling-appeal",
    ),
]
