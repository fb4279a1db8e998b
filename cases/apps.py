from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Clinical record"

    def ready(self) -> None:
        from cases.models.assessments import connect_proxy_history

        connect_proxy_history()
