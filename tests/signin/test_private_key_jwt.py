"""private_key_jwt at the token endpoint (CIS2's signed-JWT client authentication) against the real test provider.

The provider is given this app's public key for a client id that may authenticate no other way; it verifies
every assertion's signature, audience, expiry and jti. A key it was not given, or a client secret, fails.
"""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from joserfc.jwk import ECKey, KeySet, RSAKey

from accounts.models import SignInRecord
from signin.checks import token_endpoint_credentials
from signin.models import ProviderIdentity
from tests.signin.conftest import SIGNED_CLIENT_ID, sso_sign_in

pytestmark = pytest.mark.django_db

KEY_ID = "mdt-tracker-2026"
REGISTERED = RSAKey.generate_key(2048)  # the key pair whose public half the provider holds


def pem(key):
    return key.as_pem(private=True).decode()


def public_key_set():
    """What `manage.py oidc_public_key` prints for the provider's registration."""
    out = io.StringIO()
    call_command("oidc_public_key", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def signed(sso, settings, provider):
    """This app registered as the operator would: the key's public half, as the command prints it."""
    settings.OIDC_CLIENT_ID = SIGNED_CLIENT_ID
    settings.OIDC_CLIENT_SECRET = ""
    settings.OIDC_TOKEN_AUTH_METHOD = "private_key_jwt"
    settings.OIDC_CLIENT_KEY = pem(REGISTERED)
    settings.OIDC_CLIENT_KEY_ID = KEY_ID
    provider.register_signed_client(SIGNED_CLIENT_ID, KeySet.import_key_set(public_key_set()).keys[0])
    return sso


def test_it_signs_in_proving_itself_with_a_short_lived_assertion_under_its_key_id(client, signed):
    signed.set_user("sub-k1", roles=["MDT.Oncologist"])
    before = len(signed.signed_clients.seen)

    response = sso_sign_in(client, signed, "sub-k1")

    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    assert ProviderIdentity.objects.filter(subject="sub-k1").exists()
    assert len(signed.signed_clients.seen) == before + 1  # one assertion, verified, its jti kept
    header = signed.signed_clients.headers[-1]
    assert (header["kid"], header["alg"]) == (KEY_ID, "RS256")


def test_an_assertion_signed_with_a_key_the_provider_was_not_given_fails_and_nobody_is_signed_in(
    client, signed, settings
):
    settings.OIDC_CLIENT_KEY = pem(RSAKey.generate_key(2048))  # same key id, another key
    signed.set_user("sub-k2", roles=["MDT.Oncologist"])

    response = sso_sign_in(client, signed, "sub-k2")

    assert response.status_code == 400
    assert "did not complete" in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302
    assert not ProviderIdentity.objects.filter(subject="sub-k2").exists()
    record = SignInRecord.objects.get(event=SignInRecord.Event.FAILED, method=SignInRecord.Method.SSO)
    assert "token exchange failed" in record.detail


def test_the_provider_takes_no_client_secret_from_a_client_registered_with_a_key(client, signed, settings):
    settings.OIDC_TOKEN_AUTH_METHOD = "client_secret_post"
    settings.OIDC_CLIENT_SECRET = "guessed-secret"
    signed.set_user("sub-k3", roles=["MDT.Oncologist"])

    assert sso_sign_in(client, signed, "sub-k3").status_code == 400
    assert client.get(reverse("dashboard")).status_code == 302


WRONG = [
    ({"OIDC_CLIENT_KEY": ""}, "signin.E005", "set OIDC_CLIENT_KEY_FILE"),
    ({"OIDC_CLIENT_KEY_ID": ""}, "signin.E005", "OIDC_CLIENT_KEY_ID is not set"),
    ({"OIDC_CLIENT_KEY": "-----BEGIN PRIVATE KEY-----\nnot a key\n"}, "signin.E005", "does not hold a PEM private key"),
    ({"OIDC_CLIENT_KEY": REGISTERED.as_pem(private=False).decode()}, "signin.E005", "PEM private key"),
    ({"OIDC_CLIENT_KEY": pem(ECKey.generate_key("P-256"))}, "signin.E005", "an RSA private key"),
    ({"OIDC_CLIENT_KEY_ALG": "HS256"}, "signin.E005", "OIDC_CLIENT_KEY_ALG"),
    ({"OIDC_TOKEN_AUTH_METHOD": "client_secret_jwt"}, "signin.E004", "OIDC_TOKEN_AUTH_METHOD"),
    ({"OIDC_TOKEN_AUTH_METHOD": "client_secret_basic"}, "signin.E006", "OIDC_CLIENT_SECRET is not set"),
]


@pytest.mark.parametrize(("change", "check_id", "says"), WRONG)
def test_settings_that_could_not_authenticate_stop_the_start_up_checks_with_what_to_set(
    signed, settings, change, check_id, says
):
    for name, value in change.items():
        setattr(settings, name, value)

    errors = token_endpoint_credentials(None)

    assert [error.id for error in errors] == [check_id]
    assert says in errors[0].msg
    assert "not a key" not in errors[0].msg and "PRIVATE KEY" not in errors[0].msg  # the key is never shown


def test_usable_settings_pass_the_checks_and_none_are_needed_without_single_sign_on(signed, settings):
    assert token_endpoint_credentials(None) == []
    settings.OIDC_CLIENT_KEY_ALG = "ES256"
    settings.OIDC_CLIENT_KEY = pem(ECKey.generate_key("P-256"))
    assert token_endpoint_credentials(None) == []
    settings.OIDC_ISSUER = ""
    settings.OIDC_CLIENT_KEY = ""
    assert token_endpoint_credentials(None) == []


def test_the_public_key_command_prints_only_the_public_half_under_the_key_id(signed, settings):
    (key,) = public_key_set()["keys"]

    assert (key["kid"], key["kty"], key["use"], key["alg"]) == (KEY_ID, "RSA", "sig", "RS256")
    assert key["n"] == REGISTERED.as_dict()["n"]
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)
    settings.OIDC_CLIENT_KEY = ""
    with pytest.raises(CommandError, match="OIDC_CLIENT_KEY_FILE"):
        public_key_set()
