from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class SingleSignOnBackend(ModelBackend):
    """Names sessions opened by single sign-on (`login(..., backend=...)`); it never checks a password.

    `get_user` (inherited) loads the session's user, refusing inactive accounts.
    """

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        return None

    async def aauthenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        # ModelBackend's own async version checks passwords: this backend never does.
        return None
