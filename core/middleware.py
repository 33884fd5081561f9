"""Refuse requests that carry a NUL character in the path, the query string or a form field.

PostgreSQL refuses NUL in text, so a NUL that reaches a query (a reference in the URL, an admin filter) would
answer 500. No name, reference or text of the site holds one, so such a request is refused here, before any
view, with a 400: JSON under /api/, a page elsewhere. JSON bodies are the serializers' to check: DRF's
character fields refuse NUL with an error next to the field.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

NUL = "\x00"


def _lists_hold_nul(values: MultiValueDict) -> bool:
    return any(NUL in key or any(NUL in str(value) for value in items) for key, items in values.lists())


def request_holds_nul(request: HttpRequest) -> bool:
    """Say whether the path, a query parameter or a form field holds a NUL (file names lose it anyway)."""
    if NUL in request.path or _lists_hold_nul(request.GET):
        return True
    return request.method == "POST" and _lists_hold_nul(request.POST)


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request_holds_nul(request):
            return self.get_response(request)
        message = _("The address or the form holds a NUL character, which no field of this site accepts.")
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "nul_character", "detail": message}, status=400)
        return TemplateResponse(request, "bad_request.html", {"message": message}, status=400).render()
