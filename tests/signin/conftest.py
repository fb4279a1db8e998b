"""A real OpenID Connect provider on 127.0.0.1 for the single sign-on tests, and second-factor helpers.

The provider is oidc-provider-mock: Authlib's authorisation server (authorisation code flow,
signed ID tokens, JWKS, userinfo, end-session) in a small Flask app, run in a thread by this
fixture. Its authorisation page is a form where the tester picks the subject; its users'
claims are set through its API (`PUT /users/<sub>`), `acr` and CIS2's `nhsid_nrbac_roles` included
(they go into the signed ID token and the userinfo answer as set).

Its token endpoint also takes `private_key_jwt` (RFC 7523) from the clients registered with
`Provider.register_signed_client`: each assertion is verified with that client's public key, or with the
key set it fetches from the client's JWKS address at each assertion (as CIS2 is given one), for this token
endpoint, once per `jti`, and refused if it lives more than five minutes; such a client can authenticate
no other way. The mock itself knows only the secret methods: Authlib's server-side client assertion is
added to it here, as a deployment of Authlib's server would.
"""

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import flask
import oidc_provider_mock
import oidc_provider_mock._app
import pyotp
import pytest
import requests
import werkzeug.serving
from authlib.oauth2.rfc6749 import InvalidClientError
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from django.urls import reverse
from joserfc.jwk import ECKey, Key, KeySet, RSAKey
from oidc_provider_mock._storage import Client, ClientAllowAny

from signin.models import TotpDevice

CLIENT_ID = "mdt-tracker"
CLIENT_SECRET = "test-client-secret"
ROLE_MAP = "MDT.Oncologist=oncologist;MDT.Coordinator=mdt_coordinator;MDT.Audit=read_only;MDT.Radiology=radiologist"


SIGNED_CLIENT_ID = "mdt-tracker-signed"
ASSERTION_MAX_SECONDS = 300


class SignedClients(JWTBearerClientAssertion):
    """The provider's side of private_key_jwt: the registered public key verifies each client's assertion."""

    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self, token_url: str) -> None:
        super().__init__(validate_jti=True)
        self.token_url_ = token_url
        self.public_keys: dict[str, Key] = {}
        self.jwks_uris: dict[str, str] = {}
        self.fetched: list[str] = []  # each JWKS address fetched, in order
        self.seen: set[str] = set()
        self.headers: list[dict[str, Any]] = []
        self.assertions: list[str] = []

    def extract_assertion(self, assertion: str) -> Any:
        headers, claims = super().extract_assertion(assertion)
        self.headers.append(dict(headers))
        self.assertions.append(assertion)
        return headers, claims

    def get_audiences(self) -> list[str]:
        return [self.token_url_]

    def resolve_client_public_key(self, client: Any) -> Key | KeySet:
        client_id = client.get_client_id()
        if client_id in self.jwks_uris:
            self.fetched.append(self.jwks_uris[client_id])
            response = requests.get(self.jwks_uris[client_id], timeout=10)
            if response.status_code != 200:
                raise InvalidClientError(description="the client's key set could not be fetched")
            return KeySet.import_key_set(response.json())
        if client_id not in self.public_keys:
            raise InvalidClientError(description="no key is registered for this client")
        return self.public_keys[client_id]

    def validate_jti(self, claims: Any, jti: str) -> bool:
        fresh = jti not in self.seen
        self.seen.add(jti)
        return fresh

    def verify_claims(self, claims: Any) -> None:
        super().verify_claims(claims)
        if claims["exp"] - claims.get("iat", 0) > ASSERTION_MAX_SECONDS:
            raise InvalidClientError(description="the assertion lives too long")


@dataclass(frozen=True)
class Provider:
    url: str
    signed_clients: SignedClients
    storage: Any

    def register_signed_client(self, client_id: str, public_key: Key | None = None, *, jwks_uri: str = "") -> None:
        """A client that authenticates at the token endpoint only with assertions this key (or the key set
        at `jwks_uri`, fetched for each assertion) verifies."""
        self.signed_clients.public_keys.pop(client_id, None)
        self.signed_clients.jwks_uris.pop(client_id, None)
        if jwks_uri:
            self.signed_clients.jwks_uris[client_id] = jwks_uri
        elif public_key is not None:
            self.signed_clients.public_keys[client_id] = public_key
        self.storage.store_client(
            Client(
                id=client_id,
                secret="",
                redirect_uris=ClientAllowAny(),
                allowed_scopes=Client.SCOPES_SUPPORTED,
                token_endpoint_auth_method="private_key_jwt",  # type: ignore[arg-type]
            )
        )

    def set_user(self, sub: str, **claims: Any) -> None:
        response = requests.put(f"{self.url}/users/{sub}", json=claims, timeout=10)
        response.raise_for_status()

    def authorize(self, authorize_url: str, sub: str) -> str:
        """Answer the provider's sign-in form as `sub`; the redirect back to the client."""
        response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text
        return str(response.headers["Location"])

    def id_token(self, sub: str, *, client_id: str = CLIENT_ID, nonce: str = "nonce-1") -> str:
        """A real ID token for `sub`, issued to `client_id` through the authorisation code flow."""
        redirect_uri = "http://127.0.0.1/callback"
        query = urlencode(
            {
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "openid profile email",
                "state": "state-1",
                "nonce": nonce,
            }
        )
        back = self.authorize(f"{self.url}/oauth2/authorize?{query}", sub)
        code = parse_qs(urlsplit(back).query)["code"][0]
        token = requests.post(
            f"{self.url}/oauth2/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
            auth=(client_id, CLIENT_SECRET),
            timeout=10,
        )
        token.raise_for_status()
        return str(token.json()["id_token"])

    def jwks(self) -> dict[str, Any]:
        return dict(requests.get(f"{self.url}/jwks", timeout=10).json())


@pytest.fixture(scope="session")
def provider() -> Iterator[Provider]:
    app = oidc_provider_mock.app(require_nonce=True)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    with app.test_request_context():
        app.preprocess_request()  # the mock's authorisation server and storage, as its requests see them
        authorization, storage = flask.g._authlib_authorization_server, flask.g.oidc_provider_mock_storage
    signed_clients = SignedClients(f"{url}/oauth2/token")
    authorization.register_client_auth_method(SignedClients.CLIENT_AUTH_METHOD, signed_clients)
    code_grant = oidc_provider_mock._app.AuthorizationCodeGrant
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    with pytest.MonkeyPatch.context() as patch:
        methods = [*code_grant.TOKEN_ENDPOINT_AUTH_METHODS, SignedClients.CLIENT_AUTH_METHOD]
        patch.setattr(code_grant, "TOKEN_ENDPOINT_AUTH_METHODS", methods)
        thread.start()
        try:
            yield Provider(url=url, signed_clients=signed_clients, storage=storage)
        finally:
            server.shutdown()
            thread.join(timeout=5)


@pytest.fixture
def sso(settings: Any, provider: Provider) -> Provider:
    """Single sign-on turned on, with the tests' provider and role table."""
    settings.OIDC_ISSUER = provider.url
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ROLE_MAP = ROLE_MAP
    settings.OIDC_ROLES_CLAIM = "roles"
    settings.OIDC_PROVIDER_NAME = "the trust account"
    return provider


def sso_sign_in(client: Any, provider: Provider, sub: str) -> Any:
    """The whole flow as a browser makes it: the app's start, the provider's form as `sub`, the callback."""
    start = client.get(reverse("signin:sso-start"))
    assert start.status_code == 302, start.content
    back = urlsplit(provider.authorize(start["Location"], sub))
    return client.get(f"{back.path}?{back.query}")


ONCOLOGIST = "S8000:G8000:R8003"
COORDINATOR = "S8000:G8000:R8008"
AUDIT = "S8000:G8000:R8010"


@pytest.fixture
def cis2(sso: Provider, settings: Any) -> Provider:
    """The CIS2 deployment of docs/deploy.md: roles from userinfo, AAL3 required, roles at RX1 only."""
    settings.OIDC_USERINFO = True
    settings.OIDC_ROLES_CLAIM = "nhsid_nrbac_roles"
    settings.OIDC_ROLES_KEY = "role_code"
    settings.OIDC_ROLE_MAP = f"{ONCOLOGIST}=oncologist;{COORDINATOR}=mdt_coordinator;{AUDIT}=read_only"
    settings.OIDC_ACCEPTED_ACR = ["AAL3_ANY"]
    settings.OIDC_ROLE_ORGANISATIONS = ["RX1"]
    settings.OIDC_PROVIDER_NAME = "your NHS smartcard or Care Identity"
    return sso


def role(code: str, org: str, roleid: str = "555000000001") -> dict[str, str]:
    """One of CIS2's nhsid_nrbac_roles: a national RBAC role code held at one organisation."""
    return {"role_code": code, "org_code": org, "person_orgid": "555000000000", "person_roleid": roleid}


@pytest.fixture
def mfa_required(settings: Any) -> None:
    settings.MFA_REQUIRED = True


def totp_for(user: Any) -> pyotp.TOTP:
    """The user's authenticator app: a real RFC 6238 generator holding the same secret."""
    return pyotp.TOTP(TotpDevice.objects.get(user=user, confirmed=True).secret)


# The app's own signing keys for private_key_jwt (tests/signin/test_jwks*.py): one per algorithm, made once.
JWKS_CLIENT_ID = "mdt-tracker-jwks"
KEY_ID = "mdt-tracker-2027"
PREVIOUS_ID = "mdt-tracker-2026"
KEYS = {
    "RS256": RSAKey.generate_key(2048),
    "PS256": RSAKey.generate_key(2048),
    "ES256": ECKey.generate_key("P-256"),
    "ES384": ECKey.generate_key("P-384"),
}


def pem(key: Any) -> str:
    return key.as_pem(private=True).decode()


@pytest.fixture
def signing(sso, settings):
    """Single sign-on with private_key_jwt under KEY_ID, with an RS256 key unless a test sets another."""
    settings.OIDC_CLIENT_ID = JWKS_CLIENT_ID
    settings.OIDC_CLIENT_SECRET = ""
    settings.OIDC_TOKEN_AUTH_METHOD = "private_key_jwt"
    settings.OIDC_CLIENT_KEY = pem(KEYS["RS256"])
    settings.OIDC_CLIENT_KEY_ID = KEY_ID
    settings.OIDC_CLIENT_KEY_ALG = "RS256"
    settings.OIDC_CLIENT_PREVIOUS_KEY_FILES = []
    return sso
