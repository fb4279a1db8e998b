"""The ID token check against tokens the real test provider signed (and a few it did not)."""

import datetime as dt
import json
import time

import pytest
import time_machine
from joserfc import jwt
from joserfc.jwk import RSAKey
from joserfc.util import urlsafe_b64decode, urlsafe_b64encode

from signin.oidc.verify import IdTokenRefused, verify_id_token
from tests.signin.conftest import CLIENT_ID


def check(provider, token, **overrides):
    options = {"issuer": provider.url, "client_id": CLIENT_ID, "nonce": "nonce-1", "leeway": 0}
    return verify_id_token(token, jwks=provider.jwks(), **{**options, **overrides})


def test_it_accepts_a_token_the_provider_signed_for_this_client(provider):
    provider.set_user("alice", roles=["MDT.Oncologist"], email="alice@example.nhs.uk")

    claims = check(provider, provider.id_token("alice"))

    assert claims["sub"] == "alice"
    assert claims["aud"] in (CLIENT_ID, [CLIENT_ID])
    assert claims["roles"] == ["MDT.Oncologist"]


@pytest.mark.hazard("HAZ-035")
def test_it_refuses_a_token_whose_claims_were_changed_after_signing(provider):
    provider.set_user("bob", roles=["MDT.Audit"])
    header, payload, signature = provider.id_token("bob").split(".")
    claims = json.loads(urlsafe_b64decode(payload.encode() + b"=" * (-len(payload) % 4)))
    claims["roles"] = ["MDT.Coordinator"]  # a better role, in the signed token
    tampered = ".".join([header, urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("="), signature])

    with pytest.raises(IdTokenRefused, match="signature"):
        check(provider, tampered)


def test_it_refuses_a_token_signed_with_a_key_the_provider_does_not_publish(provider):
    forged = jwt.encode(
        {"alg": "RS256", "kid": provider.jwks()["keys"][0]["kid"]},
        {
            "iss": provider.url,
            "aud": CLIENT_ID,
            "sub": "x",
            "nonce": "nonce-1",
            "iat": int(time.time()),
            "exp": int(time.time()) + 300,
        },
        RSAKey.generate_key(2048),
    )

    with pytest.raises(IdTokenRefused, match="signature"):
        check(provider, forged)


def test_it_refuses_an_unsigned_token(provider):
    def part(data):
        return urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    now = int(time.time())
    claims = {"iss": provider.url, "aud": CLIENT_ID, "sub": "x", "nonce": "nonce-1", "iat": now, "exp": now + 300}
    unsigned = f"{part({'alg': 'none'})}.{part(claims)}."

    with pytest.raises(IdTokenRefused, match="signature"):
        check(provider, unsigned)


@pytest.mark.hazard("HAZ-035")
def test_it_refuses_a_token_issued_to_another_client(provider):
    provider.set_user("carol", roles=["MDT.Oncologist"])
    token = provider.id_token("carol", client_id="another-application")

    with pytest.raises(IdTokenRefused, match="aud"):
        check(provider, token)


def test_it_refuses_a_token_from_another_issuer(provider):
    token = provider.id_token("dave")

    with pytest.raises(IdTokenRefused, match="iss"):
        check(provider, token, issuer="https://login.example.org/other-tenant/v2.0")


@pytest.mark.hazard("HAZ-035")
def test_it_refuses_an_expired_token(provider):
    token = provider.id_token("erin")  # the provider's tokens last an hour

    an_hour_later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1, minutes=1)
    with time_machine.travel(an_hour_later, tick=False), pytest.raises(IdTokenRefused, match="exp"):
        check(provider, token)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=59), tick=False):
        assert check(provider, token)["sub"] == "erin"  # the control: still valid before it expires


def test_it_refuses_a_token_for_another_sign_in_attempt(provider):
    token = provider.id_token("frank", nonce="the-nonce-of-another-browser")

    with pytest.raises(IdTokenRefused, match="nonce"):
        check(provider, token, nonce="nonce-1")


def test_it_refuses_when_no_nonce_was_sent(provider):
    with pytest.raises(IdTokenRefused, match="nonce"):
        check(provider, provider.id_token("gina"), nonce="")
