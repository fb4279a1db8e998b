from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "Reminders"

    def ready(self) -> None:
        from cases.signals import patient_died
        from reminders import checks  # noqa: F401 - checks registers itself
        from reminders.receivers import cancel_for_death

        patient_died.connect(cancel_for_death, dispatch_uid="reminders.cancel_for_death")
