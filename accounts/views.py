from typing import Any

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.forms import SignInForm


class SignInView(LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Single sign-on is the signin app's; only its settings and URL name are needed here.
        return {
            **super().get_context_data(**kwargs),
            "sso_enabled": bool(settings.OIDC_ISSUER),
            "provider_name": settings.OIDC_PROVIDER_NAME,
            "password_sign_in": settings.PASSWORD_SIGN_IN,
        }


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a plain explanation; the technical reason goes nowhere near the page."""
    return render(request, "accounts/csrf_failure.html", status=403)
