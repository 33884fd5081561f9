"""The editors' screens: write an article's draft, publish it, read its history, and see which articles are
read most and help least.

Members of the help centre editors' group hold the permissions (a migration makes the group). Saving an
article saves its draft only (``article_draft_save``); readers keep seeing the published version until an
editor with ``helpcentre.publish_article`` publishes it (``article_publish``), which adds a version row to the
history and never changes an earlier one.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_moves import MoveFormsAdminMixin
from core.validators import NoBidiControlsAdminMixin

from .models import Article, ArticleVersion, HelpfulVote, Section
from .permissions import may_publish_articles
from .selectors import article_url, articles_least_helpful, articles_most_read_for_editors
from .services import article_draft_save, article_publish, article_unpublish

FIGURES_LENGTH = 20


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Section)
class SectionAdmin(ReadOnlyAdmin):
    list_display = ("name", "name_en", "slug", "position")


@admin.register(Article)
class ArticleAdmin(NoBidiControlsAdminMixin, MoveFormsAdminMixin, admin.ModelAdmin):
    list_display = ("draft_title", "section", "state", "read_count", "helpful_count", "unhelpful_count")
    list_filter = ("section",)
    list_select_related = ("section", "published_version")
    search_fields = ("draft_title", "draft_title_en", "slug")
    filter_horizontal = ("categories", "related")
    bidi_free_fields = ("draft_title", "draft_title_en")
    readonly_fields = (
        "state",
        "history",
        "read_count",
        "helpful_count",
        "unhelpful_count",
        "draft_updated_at",
    )
    fieldsets = (
        (None, {"fields": ("section", "slug", "position", "state")}),
        (gettext_lazy("Draft (Chinese)"), {"fields": ("draft_title", "draft_body")}),
        (gettext_lazy("Draft (English)"), {"fields": ("draft_title_en", "draft_body_en")}),
        (gettext_lazy("Where it is shown"), {"fields": ("categories", "related")}),
        (
            gettext_lazy("Readers"),
            {"fields": ("read_count", "helpful_count", "unhelpful_count", "draft_updated_at")},
        ),
        (gettext_lazy("Published versions"), {"fields": ("history",)}),
    )
    change_form_template = "admin/helpcentre/article/change_form.html"
    change_list_template = "admin/helpcentre/article/change_list.html"
    moves = {
        "publish": (None, gettext_lazy("Publish the draft")),
        "unpublish": (None, gettext_lazy("Take the article off the help centre")),
    }
    moves_heading = gettext_lazy("Publishing")
    moves_intro = gettext_lazy(
        "Saving changes the draft only. Publishing makes the draft what readers see; earlier versions stay "
        "in the history."
    )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # votes and versions refer to the article; take it off the help centre instead

    @admin.display(description=gettext_lazy("state"))
    def state(self, article: Article) -> str:
        if article.pk is None or not article.is_published:
            return _("Not published")
        if article.has_unpublished_changes:
            return _("Published, with unpublished changes in the draft")
        return _("Published")

    @admin.display(description=gettext_lazy("history"))
    def history(self, article: Article) -> str:
        if article.pk is None:
            return "—"
        versions = article.versions.select_related("published_by").order_by("-number")
        rows = format_html_join(
            "",
            '<li><a href="{}">{} {}</a> · {} · {}{}</li>',
            (
                (
                    reverse("admin:helpcentre_articleversion_change", args=[version.pk]),
                    _("Version %(number)d") % {"number": version.number},
                    version.title,
                    f"{version.published_at:%Y-%m-%d %H:%M}",
                    version.published_by.display_name,
                    _(" (shown now)") if version.pk == article.published_version_id else "",
                )
                for version in versions
            ),
        )
        return format_html("<ul>{}</ul>", rows) if rows else _("Never published.")

    def save_model(self, request, obj, form, change) -> None:
        article_draft_save(article=obj, actor=request.user)

    # Moves (core.admin_moves): publish and unpublish, each through its service.
    def move_allowed(self, request) -> bool:
        return may_publish_articles(request.user)

    def moves_offered(self, request, obj) -> list[str]:
        offered = ["publish"] if obj.has_unpublished_changes else []
        return [*offered, "unpublish"] if obj.is_published else offered

    def move_perform(self, request, obj, name: str, cleaned: dict) -> str:
        if name == "publish":
            version = article_publish(article=obj, actor=request.user)
            return _("Version %(number)d is published.") % {"number": version.number}
        article_unpublish(article=obj, actor=request.user)
        return _("The article is off the help centre; its history is kept.")

    def move_done_url(self, request, obj) -> str:
        return self._change_url(obj.pk) if obj is not None else super().move_done_url(request, obj)

    def get_urls(self):
        figures = path(
            "figures/", self.admin_site.admin_view(self.figures_view), name="helpcentre_article_figures"
        )
        return [figures, *super().get_urls()]

    def figures_view(self, request):
        """The most-read articles and those readers found least helpful."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Reads and helpfulness"),
            "most_read": articles_most_read_for_editors(limit=FIGURES_LENGTH),
            "least_helpful": articles_least_helpful(limit=FIGURES_LENGTH),
        }
        return TemplateResponse(request, "admin/helpcentre/article/figures.html", context)


@admin.register(ArticleVersion)
class ArticleVersionAdmin(ReadOnlyAdmin):
    """The history: every published text, as it was published."""

    list_display = ("title", "article", "number", "published_at", "published_by")
    list_filter = ("article__section",)
    list_select_related = ("article", "published_by")
    search_fields = ("title", "title_en")
    fields = ("article", "number", "title", "body", "title_en", "body_en", "published_at", "published_by")
    readonly_fields = fields


@admin.register(HelpfulVote)
class HelpfulVoteAdmin(ReadOnlyAdmin):
    """What readers said; who a signed-in voter is stays out of these screens."""

    list_display = ("article", "is_helpful", "reason", "reason_text", "created_at")
    list_filter = ("is_helpful", "reason")
    list_select_related = ("article",)
    fields = ("article", "version", "is_helpful", "reason", "reason_text", "created_at")
    readonly_fields = fields

    def view_on_site(self, vote):
        return article_url(vote.article)
