from django.apps import AppConfig


class MdtConfig(AppConfig):
    name = "mdt"
    verbose_name = "MDT"

    def ready(self) -> None:
        from mdt import case_panel

        case_panel.register()
