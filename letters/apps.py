from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = "Patient letters"

    def ready(self) -> None:
        from core.demo import register_seeder
        from letters import checks, demo, documents, panels  # noqa: F401 - checks registers itself

        documents.register()
        panels.register()
        register_seeder(demo.seed)
