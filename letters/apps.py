from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = "Patient letters"

    def ready(self) -> None:
        from letters import documents, panels

        documents.register()
        panels.register()
