"""Pages that belong to no single app."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from rest_framework.exceptions import NotFound

API_PREFIX = "/api/"


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer an address that names nothing: under the API in the API's JSON shape, elsewhere with the page.

    An API client that sends a malformed id (``/remedies/abc/…``) reads the same ``{"detail", "code"}`` it
    gets for an id that exists but is not theirs, not an HTML page it cannot parse.
    """
    if request.path.startswith(API_PREFIX):
        body = {"detail": str(NotFound.default_detail), "code": NotFound.default_code}
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)
