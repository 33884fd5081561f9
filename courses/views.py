"""The course pages: the public course page, evaluating a course, suggesting an update and following it, the
owners' answers, and the instructors' evaluation results with their public replies.

Learners see neither who evaluated nor who proposed or supported: the course page shows the published rating
(once it counts enough), moderated comments and their replies, the change log and the open suggestions.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role
from core.evidence import evidence_response
from privacy.models import AccessLogEntry
from privacy.services import access_log_record
from ratings.errors import RatingInvalid, RatingNotAllowed, RatingStateConflict
from ratings.selectors import comments_published, summary_published
from ratings.services import rating_reply

from .errors import CourseError
from .evaluations.selectors import (
    course_comment_get,
    course_comments_published,
    enrolment_get_for_evaluation,
    evaluation_eligibility,
    evaluation_questions,
    evaluation_results,
    evaluation_template_for,
    instructor_course_ids,
    instructor_for_user,
)
from .evaluations.services import evaluation_submit
from .forms import (
    AcceptForm,
    DeclineForm,
    DoneForm,
    EvaluationForm,
    PlanForm,
    ReplyForm,
    SuggestionForm,
    form_add_service_error,
)
from .models import Course
from .permissions import is_course_learner, may_answer_suggestions
from .selectors import course_get_public
from .suggestions import services as suggestion_services
from .suggestions.selectors import (
    course_change_log,
    suggestion_attachment_get,
    suggestion_get,
    suggestion_reading,
    suggestions_open_for_course,
)
from .suggestions.workflow import Transition, allowed_transitions

SUGGESTIONS_PER_PAGE = 20
COMMENTS_PER_PAGE = 10
VERSIONS_PER_PAGE = 10
RESULTS_PER_PAGE = 20

# move -> (form, service, label)
ANSWER_MOVES = {
    Transition.ACCEPT: (AcceptForm, suggestion_services.suggestion_accept),
    Transition.PLAN: (PlanForm, suggestion_services.suggestion_plan),
    Transition.DECLINE: (DeclineForm, suggestion_services.suggestion_decline),
    Transition.DONE: (DoneForm, suggestion_services.suggestion_mark_done),
}


def _reader(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


@require_GET
def course_page(request: HttpRequest, code: str) -> HttpResponse:
    """The public page of a course: description, instructors, rating, comments, change log, suggestions."""
    course = course_get_public(code=code)
    reader = _reader(request)
    suggestions = Paginator(
        suggestions_open_for_course(course=course, user=reader), SUGGESTIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    comments = Paginator(comments_published(course), COMMENTS_PER_PAGE).get_page(request.GET.get("comments"))
    versions = Paginator(course_change_log(course=course), VERSIONS_PER_PAGE).get_page(request.GET.get("log"))
    learner = bool(reader and is_course_learner(reader, course))
    context = {
        "course": course,
        "summary": summary_published(course),
        "comments": comments,
        "versions": versions,
        "suggestions": suggestions,
        "may_suggest": learner,
        "may_support": learner,
    }
    return render(request, "courses/course.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def course_suggest(request: HttpRequest, code: str) -> HttpResponse:
    course = course_get_public(code=code)
    if not is_course_learner(request.user, course):
        raise PermissionDenied
    form = SuggestionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = suggestion_services.suggestion_propose(
                course=course, actor=request.user, **form.proposing_arguments()
            )
        except CourseError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Your suggestion %(reference)s has been sent to the course's team.")
                % {"reference": made.reference},
            )
            return redirect("courses:suggestion", reference=made.reference)
    status = 400 if form.errors else 200
    return render(request, "courses/suggest.html", {"course": course, "form": form}, status=status)


def _suggestion_page(request: HttpRequest, suggestion, *, failed: tuple | None = None, status: int = 200):
    reader = _reader(request)
    reading = suggestion_reading(suggestion=suggestion, user=reader)
    answers = []
    if reading.is_owner:
        for move in allowed_transitions(state=suggestion.state):
            form_class = ANSWER_MOVES[move][0]
            form = failed[1] if failed and failed[0] == move else form_class(prefix=str(move))
            answers.append({"move": move, "label": Transition(move).label, "form": form})
    may_support = bool(
        reader
        and suggestion.is_open
        and reader.pk != suggestion.proposer_id
        and not suggestion.supported_by_me
        and is_course_learner(reader, suggestion.course)
    )
    context = {
        "suggestion": suggestion,
        "reading": reading,
        "answers": answers,
        "may_support": may_support,
    }
    return render(request, "courses/suggestion.html", context, status=status)


@require_GET
def suggestion_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _suggestion_page(request, suggestion_get(reference=reference, user=_reader(request)))


@login_required
@require_POST
def suggestion_support_view(request: HttpRequest, reference: str) -> HttpResponse:
    suggestion = suggestion_get(reference=reference, user=request.user)
    try:
        suggestion_services.suggestion_support(suggestion=suggestion, actor=request.user)
    except CourseError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("You support suggestion %(reference)s.") % {"reference": reference})
    back = request.POST.get("from")
    if back == "course":
        return redirect("courses:course", code=suggestion.course.code)
    return redirect("courses:suggestion", reference=reference)


@login_required
@require_POST
def suggestion_answer_view(request: HttpRequest, reference: str, move: str) -> HttpResponse:
    suggestion = suggestion_get(reference=reference, user=request.user)
    if not may_answer_suggestions(request.user, suggestion.course):
        raise PermissionDenied
    if move not in ANSWER_MOVES:
        raise Http404
    form_class, service = ANSWER_MOVES[Transition(move)]
    form = form_class(request.POST, prefix=move)
    if form.is_valid():
        try:
            service(suggestion=suggestion, actor=request.user, **form.cleaned_data)
        except CourseError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request, _("Suggestion %(reference)s answered.") % {"reference": suggestion.reference}
            )
            return redirect("courses:suggestion", reference=reference)
    fresh = suggestion_get(reference=reference, user=request.user)
    return _suggestion_page(request, fresh, failed=(move, form), status=400)


@login_required
@require_GET
def suggestion_attachment(request: HttpRequest, reference: str, attachment_id: int):
    """One evidence file, to the proposer or an owner of the course; an owner's download is in the proposer's
    access log."""
    suggestion = suggestion_get(reference=reference, user=request.user)
    attachment = suggestion_attachment_get(suggestion=suggestion, user=request.user, pk=attachment_id)
    if suggestion.proposer_id is not None:
        access_log_record(
            actor=request.user,
            subject=suggestion.proposer,
            record=attachment,
            fields=("file",),
            channel=AccessLogEntry.Channel.PAGE,
            screen=request.resolver_match.view_name,
        )
    return evidence_response(attachment)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_new(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    """Evaluate one of the learner's courses; when they may not (yet), the page says why."""
    if not request.user.has_role(Role.LEARNER):
        raise PermissionDenied
    enrolment = enrolment_get_for_evaluation(user=request.user, pk=enrolment_id)
    eligibility = evaluation_eligibility(enrolment=enrolment, user=request.user)
    template = evaluation_template_for(enrolment.course)
    questions = evaluation_questions(template) if template is not None else []
    form = None
    status = 200
    if eligibility.allowed:
        form = EvaluationForm(request.POST or None, questions=questions)
        if request.method == "POST" and form.is_valid():
            try:
                evaluation_submit(enrolment=enrolment, actor=request.user, **form.submit_arguments())
            except CourseError as error:
                form_add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("Thank you: your evaluation of %(course)s is in.") % {"course": enrolment.course.title},
                )
                return redirect("refunds:my-courses")
        status = 400 if form.errors else 200
    elif request.method == "POST":
        status = 409
    context = {"enrolment": enrolment, "eligibility": eligibility, "form": form}
    return render(request, "courses/evaluate.html", context, status=status)


def _require_instructor(request: HttpRequest):
    instructor = instructor_for_user(request.user) if request.user.has_role(Role.INSTRUCTOR) else None
    if instructor is None:
        raise PermissionDenied
    return instructor


def _results_page(request: HttpRequest, instructor, *, failed: tuple | None = None, status: int = 200):
    course_ids = instructor_course_ids(instructor)
    groups = evaluation_results(course_ids=course_ids)
    page = Paginator(groups, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    comments = Paginator(course_comments_published(course_ids=course_ids), COMMENTS_PER_PAGE).get_page(
        request.GET.get("comments")
    )
    failed_id, failed_form = failed or (None, None)
    titles = dict(Course.objects.filter(pk__in=course_ids).values_list("pk", "title"))
    for comment in comments:
        comment["course_title"] = titles.get(comment["subject_id"], "")
        comment["form"] = (
            failed_form if comment["id"] == failed_id else ReplyForm(prefix=f"reply-{comment['id']}")
        )
    context = {
        "instructor": instructor,
        "page": page,
        "comments": comments,
    }
    return render(request, "courses/my_evaluations.html", context, status=status)


@login_required
@require_GET
def my_evaluations(request: HttpRequest) -> HttpResponse:
    """An instructor's results: per term across their courses, then per course and term, lowest items
    first; the published comments on their courses, to reply to in public."""
    return _results_page(request, _require_instructor(request))


@login_required
@require_POST
def comment_reply(request: HttpRequest, rating_id: int) -> HttpResponse:
    """An instructor's public reply to a published comment on a course they teach."""
    instructor = _require_instructor(request)
    rating = course_comment_get(course_ids=instructor_course_ids(instructor), pk=rating_id)
    form = ReplyForm(request.POST, prefix=f"reply-{rating.pk}")
    if form.is_valid():
        try:
            rating_reply(rating=rating, actor=request.user, text=form.cleaned_data["text"])
        except (RatingInvalid, RatingNotAllowed, RatingStateConflict) as error:
            form.add_error("text" if error.field == "text" else None, str(error.message))
        else:
            messages.success(request, _("Your reply is published."))
            return redirect("courses:my-evaluations")
    return _results_page(request, instructor, failed=(rating.pk, form), status=400)
