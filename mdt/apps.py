from django.apps import AppConfig


class MdtConfig(AppConfig):
    name = "mdt"
    verbose_name = "MDT"

    def ready(self) -> None:
        from cases.signals import patient_died
        from mdt import case_panel
        from mdt.receivers import cancel_follow_ups_for_death

        case_panel.register()
        patient_died.connect(cancel_follow_ups_for_death, dispatch_uid="mdt.cancel_follow_ups_for_death")
