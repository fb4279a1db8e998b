"""Key rotation for private_key_jwt: previous keys published beside the current one (never signing), the start-up
check on them (signin.E007), and the provider fetching the app's key set by its address, end to end.

The end-to-end test runs the app (live_server) and the test provider on loopback: the provider is given the
app's JWKS address instead of a key, fetches it for each assertion, and the sign-in succeeds before and after
a rotation; an assertion signed with the old key just before the rotation still verifies until the old key is
removed from the set.
"""

import pytest
import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet, RSAKey

from signin.checks import previous_client_keys
from signin.models import ProviderIdentity
from tests.signin.conftest import JWKS_CLIENT_ID, KEY_ID, KEYS, PREVIOUS_ID, pem, sso_sign_in

pytestmark = pytest.mark.django_db

OLD = RSAKey.generate_key(2048)
OLD_ID = "mdt-tracker-2025"


def key_file(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


WRONG = [
    ("kid=path", lambda tmp: f"{tmp}/old.pem", "is not kid=path"),
    ("unreadable", lambda tmp: f"{PREVIOUS_ID}={tmp}/no-such-file.pem", "cannot be read"),
    (
        "public key only",
        lambda tmp: f"{PREVIOUS_ID}={key_file(tmp, 'pub.pem', OLD.as_pem(private=False).decode())}",
        "does not hold a PEM private key",
    ),
    ("not a key", lambda tmp: f"{PREVIOUS_ID}={key_file(tmp, 'x.pem', 'not a key')}", "does not hold a PEM private"),
    ("same kid", lambda tmp: f"{KEY_ID}={key_file(tmp, 'old.pem', pem(OLD))}", "already the current key's"),
    (
        "curve",
        lambda tmp: f"{PREVIOUS_ID}={key_file(tmp, 'ec.pem', pem(ECKey.generate_key('P-521')))}",
        "on the curve P-521",
    ),
]


@pytest.mark.hazard("HAZ-172")
@pytest.mark.parametrize(("entry", "says"), [(entry, says) for _, entry, says in WRONG], ids=[w[0] for w in WRONG])
def test_a_previous_key_that_cannot_be_published_stops_the_start_up_checks(signing, settings, tmp_path, entry, says):
    settings.OIDC_CLIENT_PREVIOUS_KEY_FILES = [entry(tmp_path)]

    errors = previous_client_keys(None)

    assert [error.id for error in errors] == ["signin.E007"]
    assert "OIDC_CLIENT_PREVIOUS_KEY_FILES" in errors[0].msg and says in errors[0].msg
    assert "PRIVATE KEY" not in errors[0].msg and "not a key" not in errors[0].msg  # never the file's contents


def test_two_previous_keys_under_one_kid_stop_the_checks_and_good_ones_pass(signing, settings, tmp_path):
    old = key_file(tmp_path, "old.pem", pem(OLD))
    older = key_file(tmp_path, "older.pem", pem(KEYS["ES256"]))
    settings.OIDC_CLIENT_PREVIOUS_KEY_FILES = [f"{OLD_ID}={old}", f"{OLD_ID}={older}"]
    assert [error.id for error in previous_client_keys(None)] == ["signin.E007"]

    settings.OIDC_CLIENT_PREVIOUS_KEY_FILES = [f"{OLD_ID}={old}", f"mdt-tracker-2024={older}"]
    assert previous_client_keys(None) == []
    settings.OIDC_CLIENT_PREVIOUS_KEY_FILES = []
    assert previous_client_keys(None) == []


def test_a_previous_key_is_published_for_the_algorithm_it_signs_and_never_signs(client, signing, settings, tmp_path):
    settings.OIDC_CLIENT_PREVIOUS_KEY_FILES = [
        f"{OLD_ID}={key_file(tmp_path, 'old.pem', pem(OLD))}",
        f"mdt-tracker-2024={key_file(tmp_path, 'older.pem', pem(KEYS['ES384']))}",
    ]
    signing.register_signed_client(JWKS_CLIENT_ID, RSAKey.import_key(KEYS["RS256"].as_dict(private=False)))
    signing.set_user("sub-r0", roles=["MDT.Oncologist"])

    keys = client.get("/accounts/sso/jwks.json").json()["keys"]

    assert [(key["kid"], key["alg"]) for key in keys] == [
        (KEY_ID, "RS256"),
        (OLD_ID, "RS256"),
        ("mdt-tracker-2024", "ES384"),
    ]
    assert sso_sign_in(client, signing, "sub-r0").status_code == 302
    assert signing.signed_clients.headers[-1]["kid"] == KEY_ID  # the current key signs


def verifies(assertion, key_set):
    try:
        jwt.decode(assertion, KeySet.import_key_set(key_set), algorithms=["RS256"])
    except (JoseError, ValueError):
        return False
    return True


@pytest.mark.hazard("HAZ-172")
@pytest.mark.django_db(transaction=True)
def test_the_provider_fetches_the_apps_key_set_by_its_address_and_signs_in_across_a_rotation(
    client, live_server, signing, settings, tmp_path
):
    address = f"{live_server.url}/accounts/sso/jwks.json"
    signing.register_signed_client(JWKS_CLIENT_ID, jwks_uri=address)
    signing.set_user("sub-r1", roles=["MDT.Oncologist"])
    settings.OIDC_CLIENT_KEY, settings.OIDC_CLIENT_KEY_ID = pem(OLD), OLD_ID
    fetched = len(signing.signed_clients.fetched)

    assert sso_sign_in(client, signing, "sub-r1").status_code == 302  # the old key, before the rotation
    before_rotation = signing.signed_clients.assertions[-1]
    assert signing.signed_clients.fetched[fetched:] == [address]

    # The rotation: the new key signs, the old one is published as previous.
    settings.OIDC_CLIENT_KEY, settings.OIDC_CLIENT_KEY_ID = pem(KEYS["RS256"]), KEY_ID
    settings.OIDC_CLIENT_PREVIOUS_KEY_FILES = [f"{OLD_ID}={key_file(tmp_path, 'old.pem', pem(OLD))}"]
    client.logout()
    assert sso_sign_in(client, signing, "sub-r1").status_code == 302
    assert signing.signed_clients.headers[-1]["kid"] == KEY_ID
    assert ProviderIdentity.objects.filter(subject="sub-r1").count() == 1
    # An assertion signed with the old key just before (a machine not yet restarted) still verifies...
    assert verifies(before_rotation, requests.get(address, timeout=10).json())

    # ...until the old key is removed from the set.
    settings.OIDC_CLIENT_PREVIOUS_KEY_FILES = []
    assert not verifies(before_rotation, requests.get(address, timeout=10).json())
