"""The learner's points page: their total, their rewards with codes, and the history of their awards."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import awards_for_learner, points_summary, rewards_for_learner

AWARDS_PAGE_SIZE = 20
REWARDS_SHOWN = 20


@login_required
@require_GET
def my_points(request: HttpRequest) -> HttpResponse:
    page = Paginator(awards_for_learner(learner=request.user), AWARDS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "incentives/my_points.html",
        {
            "summary": points_summary(learner=request.user),
            "rewards": list(rewards_for_learner(learner=request.user)[:REWARDS_SHOWN]),
            "page": page,
        },
    )
