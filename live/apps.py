from django.apps import AppConfig


class LiveConfig(AppConfig):
    """The meeting itself, live: one shared screen that every attendee follows, attendance as it
    happens, and the time spent on each case."""

    name = "live"
    verbose_name = "Live meetings"

    def ready(self) -> None:
        from live import trials
        from mdt.decision_parts import DecisionPart, register_part

        # The outcome page asks the trial question the live screen asks, through the same service.
        register_part(DecisionPart("live/_decision_trials.html", trials.part_context, trials.record_posted))
