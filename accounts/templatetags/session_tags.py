from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def session_idle_seconds() -> int:
    """SESSION_IDLE_SECONDS, for the page's "you will be signed out" warning (static/js/session.js)."""
    return int(settings.SESSION_IDLE_SECONDS)
