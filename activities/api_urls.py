"""The activity endpoints under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("activities/", api.ActivityListAPI.as_view(), name="activity-list"),
    path("activities/<int:pk>/", api.ActivityDetailAPI.as_view(), name="activity-detail"),
    path("activities/<int:pk>/register/", api.ActivityRegisterAPI.as_view(), name="activity-register"),
    path("activities/<int:pk>/cancel/", api.ActivityCancelAPI.as_view(), name="activity-cancel"),
    path("me/activity-registrations/", api.MyRegistrationsAPI.as_view(), name="my-activity-registrations"),
]
