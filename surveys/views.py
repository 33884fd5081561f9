"""The survey pages of the people asked: their invitations, and the page that takes one answer per
invitation (per course, in a term survey)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .answers import answer_slots
from .errors import SurveyError
from .forms import AnswerForm
from .selectors import invitation_get_for_user, invitations_for_user
from .services import response_submit

LIST_PAGE_SIZE = 20


@login_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    invitations = invitations_for_user(user=request.user).filter(learner=request.user)
    page = Paginator(invitations, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "surveys/list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def invitation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = invitation_get_for_user(user=request.user, pk=pk)
    survey = invitation.survey
    slots = answer_slots(survey=survey, course_id=invitation.course_id)
    form = AnswerForm(request.POST or None, slots=slots)
    if request.method == "POST" and form.is_valid():
        try:
            response_submit(invitation=invitation, answers=form.answers, actor=request.user)
        except SurveyError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Thank you: your answers are stored without your name."))
            return redirect("surveys:list")
    status = 400 if form.errors else 200
    context = {"invitation": invitation, "survey": survey, "form": form}
    return render(request, "surveys/answer.html", context, status=status)
