"""Bad ID tokens through the whole single sign-on flow: the real provider's answer changed on its way to the
app (the signature broken, a token issued to another client, a token that has expired), and each is refused
at the callback with the failure page, a failed sign-in in the access records, and nobody signed in.

The token is the provider's own, fetched by the app's own code; only its answer is altered in transit (the
one thing an attacker or a misconfigured provider controls), so the app's verification runs as deployed.
`tests/signin/test_id_token.py` checks the same rules on verify_id_token alone.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from authlib.integrations.django_client import DjangoOAuth2App
from django.urls import reverse

from accounts.models import SignInRecord
from signin.models import ProviderIdentity

pytestmark = pytest.mark.django_db


def answered(monkeypatch, change: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]) -> None:
    """The provider's token answer, as the app fetches it, passed through `change(token, request)`."""
    fetch = DjangoOAuth2App.fetch_access_token

    def in_transit(self, **kwargs):
        return change(fetch(self, **kwargs), kwargs)

    monkeypatch.setattr(DjangoOAuth2App, "fetch_access_token", in_transit)


def sign_on(client, provider, sub: str):
    start = client.get(reverse("signin:sso-start"))
    nonce = parse_qs(urlsplit(start["Location"]).query)["nonce"][0]
    back = urlsplit(provider.authorize(start["Location"], sub))
    return nonce, (back.path, back.query)


def refused(client, callback, sub: str, why: str) -> None:
    path, query = callback
    response = client.get(f"{path}?{query}")

    assert response.status_code == 400
    assert "Signing in with the trust account did not complete, and you are not signed in" in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302  # nobody signed in
    assert not ProviderIdentity.objects.filter(subject=sub).exists()
    record = SignInRecord.objects.get(event=SignInRecord.Event.FAILED, method=SignInRecord.Method.SSO)
    assert why in record.detail, record.detail


@pytest.mark.hazard("HAZ-035")
def test_a_token_whose_signature_was_broken_in_transit_is_refused(client, sso, monkeypatch):
    sso.set_user("sub-t1", roles=["MDT.Oncologist"])

    def broken(token, request):
        header, payload, signature = token["id_token"].split(".")
        flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
        return {**token, "id_token": ".".join([header, payload, flipped])}

    answered(monkeypatch, broken)
    _, callback = sign_on(client, sso, "sub-t1")

    refused(client, callback, "sub-t1", "signature")


@pytest.mark.hazard("HAZ-035")
def test_a_token_the_provider_issued_to_another_client_is_refused(client, sso, monkeypatch):
    sso.set_user("sub-t2", roles=["MDT.Coordinator"])
    nonce, callback = sign_on(client, sso, "sub-t2")
    other = sso.id_token("sub-t2", client_id="another-app", nonce=nonce)  # a real token, for someone else
    answered(monkeypatch, lambda token, request: {**token, "id_token": other})

    refused(client, callback, "sub-t2", "claims")


@pytest.mark.hazard("HAZ-035")
def test_a_token_that_has_expired_is_refused(client, sso, monkeypatch):
    """The provider issued it two hours ago (its tokens last an hour): the provider runs in this process,
    so the clock is turned back while it answers, and forward again before the app checks the token."""
    sso.set_user("sub-t3", roles=["MDT.Oncologist"])
    fetch = DjangoOAuth2App.fetch_access_token

    def two_hours_ago(self, **kwargs):
        with time_machine.travel(dt.datetime.now(dt.UTC) - dt.timedelta(hours=2), tick=True):
            return fetch(self, **kwargs)

    monkeypatch.setattr(DjangoOAuth2App, "fetch_access_token", two_hours_ago)
    _, callback = sign_on(client, sso, "sub-t3")

    refused(client, callback, "sub-t3", "exp")
