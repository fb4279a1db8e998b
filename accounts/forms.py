from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Django's sign-in form with one message for every failure.

    Unknown username, wrong password, paused or inactive account: the message is the
    same, so the page never tells whether an account exists or is paused.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        minutes = max(settings.LOGIN_COOLOFF_SECONDS // 60, 1)
        message = (
            "Sign-in failed: check your username and password. "
            f"After several failed attempts, signing in is paused for {minutes} minutes."
        )
        self.error_messages = {**self.error_messages, "invalid_login": message, "inactive": message}
