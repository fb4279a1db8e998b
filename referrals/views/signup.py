"""Referrer sign-up and email confirmation: public pages (no sign-in), in the `refer` namespace."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.throttle import client_address
from core.forms import add_service_errors
from referrals.forms.signup import SignUpForm
from referrals.services import signup


@login_not_required
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("refer:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signup.referrer_sign_up(**form.cleaned_data, address=client_address(request))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("refer:sign-up-sent")
    return render(request, "referrals/sign_up.html", {"form": form})


@login_not_required
def sign_up_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "referrals/sign_up_sent.html")


@login_not_required
def confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET shows a button; the POST confirms (mail scanners that follow links must not use up the link)."""
    if request.method == "POST":
        try:
            referrer = signup.referrer_confirm(uidb64=uidb64, token=token)
        except ValidationError as exc:
            return render(request, "referrals/confirm.html", {"error": " ".join(exc.messages)}, status=400)
        if referrer.approved_at:
            messages.success(request, "Your email is confirmed. Sign in to make a referral.")
        else:
            messages.info(request, "Your email is confirmed. The MSCC service will approve your account shortly.")
        return redirect("login")
    return render(request, "referrals/confirm.html", {})
