"""The benchmarks' baseline: the smallest page that a browser form posts to, through the same middleware.

Routed only under ``config.settings.bench`` (``BENCH_URLS``), never in production. It shows what any
CSRF-checked POST of a logged-in person costs on this stack, so a page's own cost can be told apart.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.html import format_html


@login_required
def trivial_form(request: HttpRequest) -> HttpResponse:
    """Show a form with its CSRF token (GET), or answer a valid POST of it with a redirect, as filing does."""
    if request.method == "POST":
        return HttpResponse(status=302, headers={"Location": request.path})
    return HttpResponse(
        format_html(
            '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{}"></form>',
            get_token(request),
        )
    )
