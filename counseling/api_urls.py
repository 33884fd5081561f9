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
    path(
        "counselling/restrictions/<int:pk>/appeal/",
        api.RestrictionAppealAPI.as_view(),
        name="counselling-appeal",
    ),
]
