from typing import Any

from django.contrib.auth.views import LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import SignInRecord
from accounts.services import sign_in_record
from signin import session
from signin.views.sso import end_session_url


class SignOutView(LogoutView):
    """Django's sign-out (POST only), recorded; after single sign-on, offers the provider's sign-out too.

    The app's session ends either way. Signing out of the provider as well is offered, not
    forced: on a shared ward computer the next person should not inherit the provider's session.
    """

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        method = session.method_of(request)
        provider_url = end_session_url(request) if method == SignInRecord.Method.SSO else ""
        response = super().post(request, *args, **kwargs)
        if user is not None:
            sign_in_record(user=user, event=SignInRecord.Event.SIGNED_OUT, method=method)
        if provider_url:
            return render(request, "signin/signed_out.html", {"provider_url": provider_url})
        return response
