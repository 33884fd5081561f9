"""The help centre's pages: open to everyone, signed in or not. What a reader sees comes from the selectors
(published articles only); the pages count reads and take "was this helpful?" through the services."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.forms import form_add_service_error

from .errors import HelpCentreError
from .forms import HelpfulForm, SearchForm
from .models import HelpfulVote
from .selectors import (
    article_get,
    article_related,
    article_url,
    articles_for_category,
    articles_most_read,
    search_help,
    section_articles,
    section_get,
    sections_list,
)
from .services import article_read_record, article_vote


def _reader(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


@require_GET
def help_index(request: HttpRequest) -> HttpResponse:
    context = {
        "sections": sections_list(),
        "most_read": articles_most_read(reader=_reader(request)),
        "search_form": SearchForm(),
    }
    return render(request, "helpcentre/index.html", context)


@require_GET
def section_page(request: HttpRequest, section: str) -> HttpResponse:
    shelf = section_get(slug=section)
    context = {
        "section": shelf,
        "articles": list(section_articles(reader=_reader(request), section=shelf)),
        "search_form": SearchForm(),
    }
    return render(request, "helpcentre/section.html", context)


def _has_voted(request: HttpRequest, article) -> bool:
    votes = HelpfulVote.objects.filter(article=article)
    if request.user.is_authenticated:
        return votes.filter(voter=request.user).exists()
    key = request.session.session_key
    return bool(key) and votes.filter(voter__isnull=True, session_key=key).exists()


def _article_page(request: HttpRequest, article, *, form=None, status: int = 200) -> HttpResponse:
    context = {
        "article": article,
        "version": article.published_version,
        "section": article.section,
        "related": article_related(reader=_reader(request), article=article),
        "has_voted": _has_voted(request, article),
        "helpful_form": form or HelpfulForm(),
        "search_form": SearchForm(),
    }
    return render(request, "helpcentre/article.html", context, status=status)


@require_GET
def article_page(request: HttpRequest, section: str, slug: str) -> HttpResponse:
    article = article_get(reader=_reader(request), slug=slug, section_slug=section)
    article_read_record(article=article)
    return _article_page(request, article)


@require_POST
def article_vote_view(request: HttpRequest, section: str, slug: str) -> HttpResponse:
    article = article_get(reader=_reader(request), slug=slug, section_slug=section)
    form = HelpfulForm(request.POST)
    if form.is_valid():
        if not request.user.is_authenticated and not request.session.session_key:
            request.session.save()
        try:
            article_vote(
                article=article,
                voter=_reader(request),
                session_key=request.session.session_key or "",
                **form.vote_arguments(),
            )
        except HelpCentreError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Thank you for telling us. It helps us improve the help centre."))
            return redirect(article_url(article) + "#helpful")
    return _article_page(request, article, form=form, status=400)


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    hits, query = [], ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        hits = search_help(reader=_reader(request), q=query) if query else []
    status = 400 if form.errors else 200
    return render(
        request, "helpcentre/search.html", {"search_form": form, "hits": hits, "query": query}, status=status
    )


@require_GET
def context_help(request: HttpRequest) -> JsonResponse:
    """The published articles tied to a complaint category, for the filing forms' script."""
    raw = request.GET.get("category", "")
    category_id = int(raw) if raw.isdigit() and len(raw) < 10 else None
    articles = articles_for_category(reader=_reader(request), category_id=category_id)
    return JsonResponse(
        {
            "articles": [
                {"title": article.published_version.localized_title, "url": article_url(article)}
                for article in articles
            ]
        }
    )
