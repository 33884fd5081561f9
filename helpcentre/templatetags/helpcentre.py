"""Context help for other domains' forms: ``{% context_help field %}`` lists the published articles tied to
the complaint category chosen in ``field`` (a category select) and, with the site's small script, follows
the choice; ``{% context_help_for "fees_refunds" %}`` lists those of one category by its code. A form's own
module imports nothing from the help centre: its template loads this library."""

from django import template

from ..selectors import article_url, articles_for_category, articles_for_category_code

register = template.Library()


def _reader(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _items(articles) -> list[dict]:
    return [{"title": a.published_version.localized_title, "url": article_url(a)} for a in articles]


@register.inclusion_tag("helpcentre/_context_help.html", takes_context=True)
def context_help(context, field):
    value = field.value()
    try:
        category_id = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        category_id = None
    articles = articles_for_category(reader=_reader(context), category_id=category_id)
    return {"articles": _items(articles), "follows": field.auto_id, "live": True}


@register.inclusion_tag("helpcentre/_context_help.html", takes_context=True)
def context_help_for(context, code: str):
    articles = articles_for_category_code(reader=_reader(context), code=code)
    return {"articles": _items(articles), "follows": "", "live": False}
