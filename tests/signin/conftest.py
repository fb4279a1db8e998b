"""A real OpenID Connect provider on 127.0.0.1 for the single sign-on tests, and second-factor helpers.

The provider is oidc-provider-mock: Authlib's authorisation server (authorisation code flow,
signed ID tokens, JWKS, userinfo, end-session) in a small Flask app, run in a thread by this
fixture. Its authorisation page is a form where the tester picks the subject; its users'
claims are set through its API (`PUT /users/<sub>`).
"""

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import oidc_provider_mock
import pyotp
import pytest
import requests
import werkzeug.serving

from signin.models import TotpDevice

CLIENT_ID = "mdt-tracker"
CLIENT_SECRET = "test-client-secret"
ROLE_MAP = "MDT.Oncologist=oncologist;MDT.Coordinator=mdt_coordinator;MDT.Audit=read_only;MDT.Radiology=radiologist"


@dataclass(frozen=True)
class Provider:
    url: str

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
    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(require_nonce=True), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield Provider(url=f"http://127.0.0.1:{server.server_port}")
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


@pytest.fixture
def mfa_required(settings: Any) -> None:
    settings.MFA_REQUIRED = True


def totp_for(user: Any) -> pyotp.TOTP:
    """The user's authenticator app: a real RFC 6238 generator holding the same secret."""
    return pyotp.TOTP(TotpDevice.objects.get(user=user, confirmed=True).secret)
