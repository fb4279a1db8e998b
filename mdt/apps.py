from django.apps import AppConfig


class MdtConfig(AppConfig):
    name = "mdt"
    verbose_name = "MDT"

    def ready(self) -> None:
        from cases.closing import register_open_work
        from cases.signals import patient_died
        from mdt import (
            case_panel,
            checks,  # noqa: F401 - registers itself
        )
        from mdt.closing import open_mdt_work
        from mdt.receivers import cancel_follow_ups_for_death

        case_panel.register()
        register_open_work(open_mdt_work)
        patient_died.connect(cancel_follow_ups_for_death, dispatch_uid="mdt.cancel_follow_ups_for_death")
