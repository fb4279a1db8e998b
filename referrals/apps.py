from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from cases.closing import register_open_work
        from core.demo import register_seeder
        from referrals import case_panel, context_processors, demo
        from referrals.closing import open_referrals

        case_panel.register()
        register_open_work(open_referrals)
        register_seeder(demo.seed)
        user_logged_in.connect(context_processors.remember_on_sign_in, dispatch_uid="referrals.inbox_link")
