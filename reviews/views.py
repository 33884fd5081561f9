"""The managers' pages: every review with its open decisions, one review (with its opinion survey's results),
recording reviews and decisions, linking the opinion survey."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from core.forms import form_add_service_error
from sla.models import Escalation
from surveys.selectors import opinion_survey_results
from surveys.services import may_manage_surveys

from .forms import DecisionForm, OpinionsSurveyForm, ReviewForm
from .permissions import require_review_manager
from .selectors import (
    decision_get_for_user,
    decisions_open_for_user,
    review_get_for_user,
    review_schedules_due,
    reviews_for_user,
)
from .services import (
    review_create,
    review_decision_add,
    review_decision_complete,
    review_opinions_survey_set,
)

REVIEWS_PAGE_SIZE = 20
OPEN_DECISIONS_SHOWN = 50


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    require_review_manager(request.user)
    page = Paginator(reviews_for_user(user=request.user), REVIEWS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/list.html",
        {
            "page": page,
            "open_decisions": list(decisions_open_for_user(user=request.user)[:OPEN_DECISIONS_SHOWN]),
            "due": review_schedules_due(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_new(request: HttpRequest) -> HttpResponse:
    require_review_manager(request.user)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = review_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("The review has been recorded. Add its decisions below."))
            return redirect("reviews:detail", pk=review.pk)
    status = 400 if form.errors else 200
    return render(request, "reviews/new.html", {"form": form}, status=status)


def _detail(
    request: HttpRequest,
    pk: int,
    *,
    decision_form: DecisionForm | None = None,
    survey_form: OpinionsSurveyForm | None = None,
    status: int = 200,
):
    review = review_get_for_user(user=request.user, pk=pk)
    survey = review.opinions_survey
    levels = dict(Escalation.Level.choices)
    escalations = [
        (levels.get(level, level), count) for level, count in review.figures.get("escalations", {}).items()
    ]
    return render(
        request,
        "reviews/detail.html",
        {
            "review": review,
            "escalations": escalations,
            "decision_form": decision_form or DecisionForm(),
            "survey_form": survey_form or OpinionsSurveyForm(initial={"opinions_survey": survey}),
            # Through the survey's own selector: the same suppression of small groups as everywhere.
            "opinions": opinion_survey_results(survey=survey) if survey is not None else None,
            "survey_link": may_manage_surveys(request.user),
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_review_manager(request.user)
    return _detail(request, pk)


@login_required
@require_POST
def review_decision_new(request: HttpRequest, pk: int) -> HttpResponse:
    require_review_manager(request.user)
    review = review_get_for_user(user=request.user, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            review_decision_add(review=review, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("The decision has been added."))
            return redirect("reviews:detail", pk=review.pk)
    return _detail(request, pk, decision_form=form, status=400)


@login_required
@require_POST
def review_opinions_survey(request: HttpRequest, pk: int) -> HttpResponse:
    require_review_manager(request.user)
    review = review_get_for_user(user=request.user, pk=pk)
    form = OpinionsSurveyForm(request.POST)
    if form.is_valid():
        try:
            review_opinions_survey_set(
                review=review, survey=form.cleaned_data["opinions_survey"], actor=request.user
            )
        except DomainError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("The opinion survey of the review has been saved."))
            return redirect("reviews:detail", pk=review.pk)
    return _detail(request, pk, survey_form=form, status=400)


@login_required
@require_POST
def review_decision_done(request: HttpRequest, pk: int) -> HttpResponse:
    require_review_manager(request.user)
    decision = decision_get_for_user(user=request.user, pk=pk)
    try:
        review_decision_complete(decision=decision, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The decision is marked done."))
    return redirect("reviews:detail", pk=decision.review_id)
