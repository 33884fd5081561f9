"""The qualifications endpoints under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("qualifications/", api.QualificationListAPI.as_view(), name="qualification-list"),
    path("qualifications/<int:pk>/", api.QualificationDetailAPI.as_view(), name="qualification-detail"),
    *(
        path(f"qualifications/<int:pk>/{name}/", view.as_view(), name=f"qualification-{name}")
        for name, view in api.ACTION_VIEWS.items()
    ),
]
