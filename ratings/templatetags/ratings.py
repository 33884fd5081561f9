from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def ratings_publish_min() -> int:
    """How many ratings a subject needs before its summary is shown."""
    return settings.RATINGS_PUBLISH_MIN
