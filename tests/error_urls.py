"""The project's URLs plus a view that fails, for the error-page tests."""

from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError
from django.urls import path

from config.urls import handler404  # noqa: F401 - the project's own handler answers here too
from config.urls import urlpatterns as project_urlpatterns


def database_down(request):
    raise OperationalError("the database went away")


def tampered(request):
    raise SuspiciousOperation("a tampered request")


urlpatterns = [*project_urlpatterns, path("fails/", database_down), path("tampered/", tampered)]
