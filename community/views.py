"""The community's pages: boards, threads, posting, replying, likes, follows, reports, search, and the
author's own moderation decisions with their appeals.

Every read goes through ``selectors`` (a hidden message is in none of these pages); every write through
``services``, whose refusals are shown next to the field they concern, with nothing stored.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import ErrorKind
from core.evidence import evidence_response
from core.forms import form_add_service_error

from . import selectors, services
from .complaint_drafts import SOURCE as COMPLAINT_SOURCE
from .errors import CommunityError
from .forms import AppealForm, PostForm, ReplyForm, ReportForm, SearchForm
from .models import Post

PAGE_SIZE = 20


def _thread_url(post: Post) -> str:
    return reverse("community:thread", args=[post.board.slug, post.pk])


@login_required
@require_GET
def community_home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "community/home.html", {"boards": list(selectors.boards()), "search_form": SearchForm()}
    )


@login_required
@require_GET
def board_page(request: HttpRequest, board: str) -> HttpResponse:
    shown = selectors.board_get(slug=board)
    page = Paginator(selectors.board_posts(reader=request.user, board=shown), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "community/board.html", {"board": shown, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def post_new(request: HttpRequest, board: str) -> HttpResponse:
    shown = selectors.board_get(slug=board)
    form = PostForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(
                actor=request.user,
                board=shown,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                images=form.cleaned_data["images"],
            )
        except CommunityError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Your post is on the board."))
            return redirect(_thread_url(post))
    return render(
        request, "community/post_new.html", {"board": shown, "form": form}, status=400 if form.errors else 200
    )


def _report_form(target: str, data=None) -> ReportForm:
    """A report form whose fields' ids are its own, so each reply's form on the page labels its own fields."""
    return ReportForm(data, auto_id=f"id_report_{target}_%s")


def _thread_page(
    request, post: Post, *, reply_form=None, report_form=None, reported: str = "post", status=200
) -> HttpResponse:
    thread = selectors.thread_read(reader=request.user, post=post)
    for reply in thread.replies:
        target = f"reply{reply.pk}"
        reply.report_form = (
            report_form if report_form is not None and reported == target else _report_form(target)
        )
    complaint_url = ""
    if post.board.offers_complaint and post.author_id == request.user.pk:
        complaint_url = (
            reverse("complaints:new") + "?" + urlencode({"from": COMPLAINT_SOURCE, "ref": post.pk})
        )
    context = {
        "post": post,
        "thread": thread,
        "reply_form": reply_form or ReplyForm(),
        "report_form": report_form
        if report_form is not None and reported == "post"
        else _report_form("post"),
        "complaint_url": complaint_url,
    }
    return render(request, "community/thread.html", context, status=status)


@login_required
@require_GET
def thread_page(request: HttpRequest, board: str, post_id: int) -> HttpResponse:
    shown = selectors.board_get(slug=board)
    try:
        post = selectors.post_get_for_reader(reader=request.user, pk=post_id, board=shown)
    except Http404:
        # Its author still reads a hidden post, with the moderator's reason; everyone else gets a 404.
        hidden = selectors.own_hidden_post(reader=request.user, pk=post_id, board=shown)
        return render(request, "community/hidden_post.html", {"post": hidden.post, "action": hidden.action})
    return _thread_page(request, post)


@login_required
@require_POST
def reply_new(request: HttpRequest, board: str, post_id: int) -> HttpResponse:
    post = selectors.post_get_for_reader(
        reader=request.user, pk=post_id, board=selectors.board_get(slug=board)
    )
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            reply = services.reply_create(
                actor=request.user,
                post=post,
                body=form.cleaned_data["body"],
                images=form.cleaned_data["images"],
            )
        except CommunityError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Your reply is in the thread."))
            return redirect(f"{_thread_url(post)}#reply-{reply.pk}")
    return _thread_page(request, post, reply_form=form, status=400)


@login_required
@require_POST
def post_like_toggle(request: HttpRequest, board: str, post_id: int) -> HttpResponse:
    post = selectors.post_get_for_reader(
        reader=request.user, pk=post_id, board=selectors.board_get(slug=board)
    )
    if request.POST.get("like") == "0":
        services.post_unlike(actor=request.user, post=post)
    else:
        services.post_like(actor=request.user, post=post)
    return redirect(_thread_url(post))


@login_required
@require_POST
def reply_like_toggle(request: HttpRequest, board: str, post_id: int, reply_id: int) -> HttpResponse:
    post = selectors.post_get_for_reader(
        reader=request.user, pk=post_id, board=selectors.board_get(slug=board)
    )
    reply = selectors.reply_get_for_reader(reader=request.user, pk=reply_id)
    if reply.post_id != post.pk:
        raise Http404
    if request.POST.get("like") == "0":
        services.reply_unlike(actor=request.user, reply=reply)
    else:
        services.reply_like(actor=request.user, reply=reply)
    return redirect(f"{_thread_url(post)}#reply-{reply.pk}")


@login_required
@require_POST
def post_follow_toggle(request: HttpRequest, board: str, post_id: int) -> HttpResponse:
    post = selectors.post_get_for_reader(
        reader=request.user, pk=post_id, board=selectors.board_get(slug=board)
    )
    if request.POST.get("follow") == "0":
        services.post_unfollow(actor=request.user, post=post)
        messages.success(request, _("You no longer follow this thread."))
    else:
        services.post_follow(actor=request.user, post=post)
        messages.success(request, _("You follow this thread: a notice tells you of each new reply."))
    return redirect(_thread_url(post))


@login_required
@require_POST
def report_new(request: HttpRequest, board: str, post_id: int) -> HttpResponse:
    """Report the post, or (with ``reply``) one of its visible replies."""
    post = selectors.post_get_for_reader(
        reader=request.user, pk=post_id, board=selectors.board_get(slug=board)
    )
    reply = None
    if request.POST.get("reply"):
        try:
            reply_pk = int(request.POST["reply"])
        except ValueError:
            reply_pk = 0
        reply = next(
            (r for r in selectors.visible_replies(request.user).filter(post=post, pk=reply_pk)), None
        )
        if reply is None:
            return _thread_page(request, post, status=404)
    reported = f"reply{reply.pk}" if reply else "post"
    form = _report_form(reported, request.POST)
    if form.is_valid():
        try:
            services.report_create(
                actor=request.user,
                post=None if reply else post,
                reply=reply,
                reason=form.cleaned_data["reason"],
                text=form.cleaned_data["text"],
            )
        except CommunityError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Thank you: the moderators will look at your report."))
            return redirect(_thread_url(post))
    return _thread_page(request, post, report_form=form, reported=reported, status=400)


@login_required
@require_POST
def reply_official(request: HttpRequest, board: str, post_id: int, reply_id: int) -> HttpResponse:
    post = selectors.post_get_for_reader(
        reader=request.user, pk=post_id, board=selectors.board_get(slug=board)
    )
    reply = selectors.reply_get_for_reader(reader=request.user, pk=reply_id)
    if reply.post_id != post.pk:
        return _thread_page(request, post, status=404)
    try:
        services.reply_mark_official(
            actor=request.user, reply=reply, official=request.POST.get("official") != "0"
        )
    except CommunityError as error:
        messages.error(request, str(error.message))
        return _thread_page(request, post, status=403 if error.kind is ErrorKind.NOT_ALLOWED else 409)
    messages.success(request, _("The official answer is marked."))
    return redirect(_thread_url(post))


@login_required
@require_GET
def image_file(request: HttpRequest, board: str, post_id: int, image_id: int) -> FileResponse:
    """One picture of a visible post or of one of its visible replies."""
    post = selectors.post_get_for_reader(
        reader=request.user, pk=post_id, board=selectors.board_get(slug=board)
    )
    return evidence_response(selectors.thread_read(reader=request.user, post=post).image(image_id))


@login_required
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    page = None
    if form.is_valid() and form.cleaned_data["q"]:
        found = selectors.search_posts(request.user, form.cleaned_data["q"])
        page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "community/search.html", {"form": form, "page": page}, status=400 if form.errors else 200
    )


@login_required
@require_GET
def my_moderation(request: HttpRequest) -> HttpResponse:
    """The decisions about the reader's own messages, each with its reason, the message, and its appeal."""
    page = Paginator(selectors.moderation_for_author(reader=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    mute = services.mute_active(user=request.user)
    return render(request, "community/my_moderation.html", {"page": page, "mute": mute})


@login_required
@require_http_methods(["GET", "POST"])
def appeal_new(request: HttpRequest, action_id: int) -> HttpResponse:
    action = selectors.moderation_action_for_author(reader=request.user, pk=action_id)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_file(actor=request.user, action=action, text=form.cleaned_data["text"])
        except CommunityError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request, _("Your appeal is with the moderators; you will get a notice of their decision.")
            )
            return redirect("community:my-moderation")
    return render(
        request, "community/appeal.html", {"action": action, "form": form}, status=400 if form.errors else 200
    )
