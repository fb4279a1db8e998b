"""The client's public key set at /accounts/sso/jwks.json: what the provider fetches to verify this app's
private_key_jwt assertions (CIS2 asks for such an address).

The set served verifies the assertions the app really sends (taken from the test provider's token endpoint),
for RSA and EC keys; it holds no private member of any key; it answers only while private_key_jwt is on, to
anyone, GET only, cacheable for a few minutes; `manage.py oidc_public_key` prints the same set.
"""

import io
import json
import logging

import pytest
from django.core.management import call_command
from django.urls import reverse
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import ECKey, KeySet, RSAKey

from signin.models import ProviderIdentity
from signin.views.keys import MAX_AGE_SECONDS
from tests.factories import clinician_user
from tests.signin.conftest import JWKS_CLIENT_ID, KEY_ID, KEYS, PREVIOUS_ID, pem, sso_sign_in

pytestmark = pytest.mark.django_db

PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}


def served(client):
    response = client.get(reverse("signin:sso-jwks"))
    assert response.status_code == 200, response.content
    return response


# The test provider (Authlib's server) verifies assertions with joserfc's recommended algorithms only.
@pytest.mark.parametrize("alg", ["RS256", "ES256"])
def test_the_served_set_verifies_the_assertion_the_app_sends_to_the_token_endpoint(client, signing, settings, alg):
    settings.OIDC_CLIENT_KEY_ALG = alg
    settings.OIDC_CLIENT_KEY = pem(KEYS[alg])
    key_set = KeySet.import_key_set(served(client).json())
    signing.register_signed_client(JWKS_CLIENT_ID, key_set.keys[0])
    signing.set_user("sub-j1", roles=["MDT.Oncologist"])

    assert sso_sign_in(client, signing, "sub-j1").status_code == 302
    assertion = signing.signed_clients.assertions[-1]  # as the app sent it

    token = jwt.decode(assertion, key_set, algorithms=[alg])
    assert (token.header["kid"], token.header["alg"]) == (KEY_ID, alg)
    assert token.claims["iss"] == token.claims["sub"] == JWKS_CLIENT_ID
    assert ProviderIdentity.objects.filter(subject="sub-j1").exists()
    another = (RSAKey.generate_key(2048) if alg == "RS256" else ECKey.generate_key("P-256")).as_dict(private=False)
    with pytest.raises(BadSignatureError):  # the control: another key under the same key id does not verify it
        jwt.decode(assertion, KeySet.import_key_set({"keys": [{**another, "kid": KEY_ID}]}), algorithms=[alg])


@pytest.mark.hazard("HAZ-172")
@pytest.mark.parametrize("alg", list(KEYS))
def test_the_served_set_holds_only_public_members_of_the_current_and_previous_keys(
    client, signing, settings, tmp_path, alg
):
    previous = ECKey.generate_key("P-256") if alg.startswith("RS") else RSAKey.generate_key(2048)
    (tmp_path / "old.pem").write_text(pem(previous))
    settings.OIDC_CLIENT_KEY_ALG = alg
    settings.OIDC_CLIENT_KEY = pem(KEYS[alg])
    settings.OIDC_CLIENT_PREVIOUS_KEY_FILES = [f"{PREVIOUS_ID}={tmp_path / 'old.pem'}"]

    response = served(client)

    keys = response.json()["keys"]
    assert [key["kid"] for key in keys] == [KEY_ID, PREVIOUS_ID]
    for jwk, private in zip(keys, (KEYS[alg], previous), strict=True):
        assert not PRIVATE_MEMBERS & set(jwk), jwk
        assert set(jwk) == {"kty", "kid", "alg", "use", *(("n", "e") if jwk["kty"] == "RSA" else ("crv", "x", "y"))}
        assert jwk["use"] == "sig"
        private_values = [value for name, value in private.as_dict(private=True).items() if name in PRIVATE_MEMBERS]
        assert private_values and not [value for value in private_values if value in response.content.decode()]


def test_it_is_public_json_cacheable_for_minutes_and_passes_the_security_headers(client, signing):
    response = served(client)

    assert response["Content-Type"] == "application/json"
    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache == {"public", f"max-age={MAX_AGE_SECONDS}"} and 60 <= MAX_AGE_SECONDS <= 3600
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sessionid" not in response.cookies


def test_a_signed_in_user_gets_the_same_set(client, signing):
    anonymous = served(client).json()
    client.force_login(clinician_user())

    assert served(client).json() == anonymous


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "head"])
def test_anything_but_get_is_refused_with_405(client, signing, method):
    assert getattr(client, method)(reverse("signin:sso-jwks")).status_code == 405


@pytest.mark.parametrize(
    "change",
    [{"OIDC_ISSUER": ""}, {"OIDC_TOKEN_AUTH_METHOD": "client_secret_basic"}],
    ids=["no single sign-on", "a client secret"],
)
def test_it_is_404_unless_the_app_authenticates_with_private_key_jwt(client, signing, settings, change):
    for name, value in change.items():
        setattr(settings, name, value)

    assert client.get(reverse("signin:sso-jwks")).status_code == 404


@pytest.mark.hazard("HAZ-172")
def test_a_key_file_gone_after_start_up_answers_503_never_cached_and_logs_no_key(
    client, signing, settings, tmp_path, caplog
):
    settings.OIDC_CLIENT_PREVIOUS_KEY_FILES = [f"{PREVIOUS_ID}={tmp_path / 'removed.pem'}"]

    with caplog.at_level(logging.ERROR, logger="signin.views.keys"):
        response = client.get(reverse("signin:sso-jwks"))

    assert response.status_code == 503
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert "OIDC_CLIENT_PREVIOUS_KEY_FILES" in caplog.text and "cannot be read" in caplog.text
    assert "PRIVATE KEY" not in caplog.text and b"keys" not in response.content


def test_the_command_prints_the_set_the_address_serves(client, signing, settings, tmp_path):
    (tmp_path / "old.pem").write_text(pem(KEYS["PS256"]))
    settings.OIDC_CLIENT_PREVIOUS_KEY_FILES = [f"{PREVIOUS_ID}={tmp_path / 'old.pem'}"]
    out = io.StringIO()

    call_command("oidc_public_key", stdout=out)

    printed = json.loads(out.getvalue())
    assert printed == served(client).json()
    assert [key["kid"] for key in printed["keys"]] == [KEY_ID, PREVIOUS_ID]
