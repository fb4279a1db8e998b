from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "signin"
    verbose_name = "Sign-in: single sign-on and second factors"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from signin import audit, checks, session  # noqa: F401 - checks registers itself

        user_logged_in.connect(session.mark_method, dispatch_uid="signin.mark_method")
        user_login_failed.connect(audit.record_failure, dispatch_uid="signin.record_failure")
