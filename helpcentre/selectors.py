"""What each reader may see of the help centre: ``articles_visible`` decides it; pages, the API, the context
help and the admin's figures all start from it.

Readers see published articles only, in their language (falling back to Chinese); editors read drafts in the
admin, never through these pages, so a draft is never shown or found here whoever asks.
"""

import re
from dataclasses import dataclass

from django.db.models import Case, F, FloatField, QuerySet, Value, When
from django.db.models.functions import Cast
from django.http import Http404
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from community.selectors import search_posts
from core.search import MAX_QUERY_LENGTH, SearchTerms, search_filter

from .models import Article, Section

MOST_READ_COUNT = 5
# The community's posts a help-centre search shows under the articles; its own search shows them all.
POSTS_IN_SEARCH = 10
CONTEXT_HELP_COUNT = 5
SNIPPET_LENGTH = 90
SEARCH_TEXT_FIELDS = (
    "published_version__title",
    "published_version__body",
    "published_version__title_en",
    "published_version__body_en",
)


def articles_visible(*, reader: User | None = None) -> QuerySet[Article]:
    """The published articles, with their version and section, for any reader (signed in or not)."""
    return Article.objects.filter(published_version__isnull=False).select_related(
        "published_version", "section"
    )


def sections_list() -> QuerySet[Section]:
    return Section.objects.order_by("position", "id")


def section_get(*, slug: str) -> Section:
    section = Section.objects.filter(slug=slug).first()
    if section is None:
        raise Http404
    return section


def section_articles(*, reader: User | None, section: Section) -> QuerySet[Article]:
    return articles_visible(reader=reader).filter(section=section).order_by("position", "id")


def articles_most_read(*, reader: User | None, limit: int = MOST_READ_COUNT) -> list[Article]:
    return list(articles_visible(reader=reader).order_by("-read_count", "id")[:limit])


def article_get(*, reader: User | None, slug: str, section_slug: str | None = None) -> Article:
    """The published article by its slug (and section, for a page's address); 404 for a draft or none."""
    found = articles_visible(reader=reader).filter(slug=slug)
    if section_slug is not None:
        found = found.filter(section__slug=section_slug)
    article = found.first()
    if article is None:
        raise Http404
    return article


def article_related(*, reader: User | None, article: Article) -> list[Article]:
    """The editor-picked related articles that are published."""
    return list(
        articles_visible(reader=reader).filter(pk__in=article.related.values("pk")).order_by("position", "id")
    )


def articles_for_category(*, reader: User | None, category_id: int | None) -> list[Article]:
    """The published articles tied to a complaint category, for the filing forms' context help."""
    if category_id is None:
        return []
    return list(
        articles_visible(reader=reader)
        .filter(categories__pk=category_id)
        .order_by("section__position", "position", "id")[:CONTEXT_HELP_COUNT]
    )


def articles_for_category_code(*, reader: User | None, code: str) -> list[Article]:
    return list(
        articles_visible(reader=reader)
        .filter(categories__code=code)
        .order_by("section__position", "position", "id")[:CONTEXT_HELP_COUNT]
    )


@dataclass(frozen=True)
class SearchHit:
    """One result of a help-centre search, of whatever kind; the page lists hits the same way."""

    kind: str
    title: str
    url: str
    snippet: SafeString
    section: str
    title_hit: bool


def highlighted_snippet(text: str, query: str, *, length: int = SNIPPET_LENGTH) -> SafeString:
    """A piece of ``text`` around the first term of ``query`` found in it, each found term in ``<mark>``;
    the text is escaped first, so nothing a text holds is taken as markup."""
    terms = [term for term in re.findall(r"\w+", (query or "")[:MAX_QUERY_LENGTH].lower()) if term]
    flat = " ".join(text.split())
    lowered = flat.lower()
    starts = [lowered.find(term) for term in terms if lowered.find(term) >= 0]
    start = max(0, min(starts) - length // 3) if starts else 0
    piece = flat[start : start + length]
    html = escape(piece)
    for term in sorted({escape(t) for t in terms}, key=len, reverse=True):
        html = re.sub(f"({re.escape(term)})", r"<mark>\1</mark>", html, flags=re.IGNORECASE)
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(flat) else ""
    return mark_safe(prefix + html + suffix)  # noqa: S308 (escaped above; only <mark> added)


def _search_article_queryset(*, reader: User | None, q: str) -> QuerySet[Article]:
    return search_filter(
        articles_visible(reader=reader),
        q,
        vector="published_version__search_vector",
        text_fields=SEARCH_TEXT_FIELDS,
        newest=("-read_count", "id"),
    )


def search_article_list(*, reader: User | None, q: str) -> QuerySet[Article]:
    """The published articles that match ``q``, title matches first, then the most read."""
    return _search_article_queryset(reader=reader, q=q)


def search_help(*, reader: User | None, q: str) -> list[SearchHit]:
    """Everything the help centre's search finds for ``q``: the published articles, then the community's
    posts that the reader may see (the community's own rule decides: signed-in readers, hidden posts never).
    Empty for an unsearchable query."""
    hits = search_articles(reader=reader, q=q)
    if reader is not None:
        for post in search_posts(reader, q)[:POSTS_IN_SEARCH]:
            hits.append(
                SearchHit(
                    kind="post",
                    title=post.title,
                    url=reverse("community:thread", args=[post.board.slug, post.pk]),
                    snippet=highlighted_snippet(post.body, q),
                    section=post.board.localized_name,
                    title_hit=post.search_title_hit,
                )
            )
    return hits


def search_articles(*, reader: User | None, q: str, limit: int = 50) -> list[SearchHit]:
    """The published articles that match ``q``, as hits the search page lists. Empty for an unsearchable
    query."""
    if SearchTerms.parse(q or "") is None:
        return []
    hits = []
    for article in search_article_list(reader=reader, q=q)[:limit]:
        version = article.published_version
        # The reader's language first; the other one when only it holds the words asked for.
        body = next(
            (text for text in (version.localized_body, version.body, version.body_en) if _holds_any(text, q)),
            version.localized_body,
        )
        hits.append(
            SearchHit(
                kind="article",
                title=version.localized_title,
                url=article_url(article),
                snippet=highlighted_snippet(body, q),
                section=article.section.localized_name,
                title_hit=bool(article.search_title_hit),
            )
        )
    return hits


def _holds_any(text: str, query: str) -> bool:
    lowered = text.lower()
    return any(term in lowered for term in re.findall(r"\w+", query.lower()))


def article_url(article: Article) -> str:
    return reverse("helpcentre:article", kwargs={"section": article.section.slug, "slug": article.slug})


def articles_least_helpful(*, limit: int = 20) -> list[Article]:
    """Published articles that readers found unhelpful, the largest share of "no" first (for editors)."""
    total = F("helpful_count") + F("unhelpful_count")
    return list(
        articles_visible()
        .filter(unhelpful_count__gt=0)
        .annotate(
            unhelpful_share=Case(
                When(
                    unhelpful_count__gt=0,
                    then=Cast("unhelpful_count", FloatField()) / Cast(total, FloatField()),
                ),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
        .order_by("-unhelpful_share", "-unhelpful_count", "id")[:limit]
    )


def articles_most_read_for_editors(*, limit: int = 20) -> list[Article]:
    return list(articles_visible().order_by("-read_count", "id")[:limit])
