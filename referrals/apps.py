from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from core.demo import register_seeder
        from referrals import case_panel, context_processors, demo

        case_panel.register()
        register_seeder(demo.seed)
        user_logged_in.connect(context_processors.remember_on_sign_in, dispatch_uid="referrals.inbox_link")
