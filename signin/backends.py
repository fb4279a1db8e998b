from typing import Any

from django.http import HttpRequest

from accounts.backends import MemberLoadingBackend


class SingleSignOnBackend(MemberLoadingBackend):
    """Names sessions opened by single sign-on (`login(..., backend=...)`); it never checks a password.

    `get_user` (inherited) loads the session's user, refusing inactive accounts.
    """

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        return None

    async def aauthenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        # ModelBackend's own async version checks passwords: this backend never does.
        return None
