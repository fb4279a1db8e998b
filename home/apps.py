from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The top of the layers: the dashboard, which gathers every app's worklists, and /healthz."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "home"
