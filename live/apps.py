from django.apps import AppConfig


class LiveConfig(AppConfig):
    """The meeting itself, live: one shared screen that every attendee follows, attendance as it
    happens, and the time spent on each case."""

    name = "live"
    verbose_name = "Live meetings"
