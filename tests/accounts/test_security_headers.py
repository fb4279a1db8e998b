"""Response headers, error pages that leak nothing, and a silent `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path, reverse

from config.settings import _proxy_ssl_header
from config.urls import urlpatterns as site_urlpatterns
from tests.factories import CaseFactory, clinician_user

pytestmark = pytest.mark.django_db

SECRET_WORD = "Zanzibar-7731"


def _boom(request: HttpRequest, word: str) -> HttpResponse:
    raise RuntimeError(f"database said no about {word}")


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(f"patient {SECRET_WORD} is not on your team")


urlpatterns = [
    path("test-errors/boom/<str:word>/", login_not_required(_boom)),
    path("test-errors/forbidden/", _forbidden),
    *site_urlpatterns,
]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "style-src-attr 'unsafe-hashes' 'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='; "  # style="border-top: 0"
    "img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def test_it_sends_no_store_on_every_response_to_a_signed_in_user(client):
    case = CaseFactory()
    client.force_login(clinician_user())

    for url in (reverse("dashboard"), reverse("patient-detail", args=[case.patient_id]), "/no-such-page/"):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_it_leaves_caching_alone_for_anonymous_visitors(client):
    response = client.get(reverse("login"))
    assert "no-store" in response["Cache-Control"]  # Django's login view is never cached anyway
    assert "no-store" not in client.get("/favicon.ico").get("Cache-Control", "")


def test_it_sends_the_content_security_policy_and_browser_protections(client):
    response = client.get(reverse("login"))

    assert response["Content-Security-Policy"] == CSP
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_it_allows_no_inline_script_or_style_even_in_the_admin(admin_client):
    response = admin_client.get(reverse("admin:cases_patient_add"))

    assert response["Content-Security-Policy"] == CSP
    assert "nonce" not in CSP and "unsafe-inline" not in CSP and "unsafe-eval" not in CSP


def test_it_marks_cookies_httponly_and_keeps_the_csrf_token_out_of_scripts_reach():
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY


@pytest.mark.urls(__name__)
def test_it_shows_a_plain_404_that_does_not_repeat_the_address(client):
    client.force_login(clinician_user())

    response = client.get(f"/patients/by-name/{SECRET_WORD}/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert SECRET_WORD not in response.content.decode()


@pytest.mark.urls(__name__)
def test_it_shows_a_plain_403_without_the_reason(client):
    client.force_login(clinician_user())

    response = client.get("/test-errors/forbidden/")

    assert response.status_code == 403
    assert "You cannot do this" in response.content.decode()
    assert SECRET_WORD not in response.content.decode()


@pytest.mark.urls(__name__)
def test_it_shows_a_static_500_without_a_trace_or_the_address(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    response = client.get(f"/test-errors/boom/{SECRET_WORD}/")

    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in body
    for leak in (SECRET_WORD, "Traceback", "RuntimeError", "database said no", "test-errors"):
        assert leak not in body
    assert "no-store" not in response.get("Cache-Control", "")  # anonymous: nothing personal in it
    assert response["Content-Security-Policy"] == CSP


def test_it_explains_a_csrf_failure_plainly(client):
    csrf_client = Client(enforce_csrf_checks=True)

    response = csrf_client.post(reverse("login"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    body = response.content.decode()
    assert "This form could not be accepted" in body
    assert "CSRF" not in body and "Referer" not in body


@pytest.mark.slow  # runs manage.py check --deploy in a subprocess
def test_check_deploy_reports_no_issues_with_production_settings():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "DATABASE_URL", "SESSION_", "ALLOWED_HOSTS"))
    }
    env.update(DEBUG="0", SECRET_KEY="k" * 20 + "Q7v#p2Lx9z!Rm4Wc8Bn3Hd6Jf1Tg5Ys0", ALLOWED_HOSTS="mdt.example.org")
    env.update(PATIENT_SAFETY_NET_PHONE="01632 960000")  # letters.W001 otherwise (tests/letters/test_letters.py)
    env.update(REMINDER_LAST_RESORT_USERNAMES="mdt-lead")  # reminders.W001 otherwise
    root = Path(__file__).resolve().parents[2]

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ("", None),
        ("X-Forwarded-Proto: https", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("X-Forwarded-Proto", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("X-Forwarded-Ssl: on", ("HTTP_X_FORWARDED_SSL", "on")),
    ],
)
def test_it_reads_the_proxy_ssl_header_from_the_environment(raw, parsed):
    assert _proxy_ssl_header(raw) == parsed


@pytest.mark.parametrize("raw", ["X Forwarded Proto", ": https", "X-Forwarded-Proto:"])
def test_it_stops_on_a_proxy_ssl_header_it_cannot_read(raw):
    with pytest.raises(ImproperlyConfigured, match="SECURE_PROXY_SSL_HEADER"):
        _proxy_ssl_header(raw)
