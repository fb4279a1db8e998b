"""Hold a password-only session at the second-factor pages until it passes one.

Covers every page, the admin included: a session that owes a second factor (see
`signin.session`) is sent to `/accounts/second-factor/` from anywhere else, except sign-out.
The page it wanted is kept and opened after the second factor.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from signin import session

NEXT = "signin.next"
ALLOWED_PREFIX = "/accounts/second-factor/"


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and session.is_pending(request):
            path = request.path
            if not (path.startswith(ALLOWED_PREFIX) or path == reverse("logout")):
                if request.method in ("GET", "HEAD"):
                    request.session[NEXT] = request.get_full_path()
                return redirect("signin:second-factor")
        return self.get_response(request)
