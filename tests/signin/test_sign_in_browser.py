"""Sign-in in a real Chromium: single sign-on with the test provider, passkeys with Chromium's
virtual authenticator (the DevTools WebAuthn domain), one-time codes from a real generator.

Every page is watched for Content Security Policy violations: the passkey script is a static file.
"""

import re
import time
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from playwright.sync_api import Page, expect

from accounts.models import SignInRecord
from signin.models import Passkey
from tests.accounts.test_csp_browser import Watch
from tests.factories import PASSWORD, clinician_user, coordinator_user
from tests.signin.conftest import ONCOLOGIST, role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password_step(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def sign_out(page: Page, base: str) -> None:
    page.goto(f"{base}/")
    page.get_by_role("button", name="Sign out").click()


def virtual_authenticator(page: Page) -> tuple[object, str]:
    """A platform passkey that says yes at once, as Windows Hello or a phone would after a fingerprint."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    found = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, found["authenticatorId"]


def test_single_sign_on_from_the_sign_in_page_to_the_providers_sign_out(live_server, page: Page, sso):
    sso.set_user("nhs-555", roles=["MDT.Coordinator"], given_name="Carys", family_name="Evans")
    authorize_requests = []
    page.on("request", lambda r: authorize_requests.append(r.url) if "/oauth2/authorize" in r.url else None)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with the trust account").click()
    page.get_by_label("Subject").fill("nhs-555")
    page.get_by_role("button", name="Authorize", exact=True).click()

    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_text("Carys Evans")).to_be_visible()
    watch = Watch(page)  # this app's pages from here (the provider's own pages load things of theirs)
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="Coordinators' workspace")).to_be_visible()
    query = parse_qs(urlsplit(authorize_requests[0]).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]

    sign_out(page, live_server.url)
    expect(page.get_by_role("heading", name="You are signed out of the MDT tracker")).to_be_visible()
    watch.check("signed out")
    page.get_by_role("link", name="Sign out of your organisation's account too").click()
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert SignInRecord.objects.filter(method="sso", event="signed_in").count() == 1


@pytest.mark.hazard("HAZ-035")
def test_single_sign_on_without_a_mapped_role_says_to_ask_the_administrator(live_server, page: Page, sso):
    sso.set_user("nhs-666", roles=["Finance.Team"])

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with the trust account").click()
    page.get_by_label("Subject").fill("nhs-666")
    page.get_by_role("button", name="Authorize", exact=True).click()

    expect(page.get_by_role("heading", name="You have no role in this service yet")).to_be_visible()
    expect(page.get_by_text("Ask your administrator")).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_label("Username")).to_be_visible()  # still signed out


@pytest.mark.hazard("HAZ-170")
def test_a_cis2_sign_in_with_a_password_alone_is_sent_back_for_the_smartcard(live_server, page: Page, cis2):
    cis2.set_user("uid-900", acr="AAL1_USERPASS", nhsid_nrbac_roles=[role(ONCOLOGIST, "RX1")])

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with your NHS smartcard or Care Identity").click()
    page.get_by_label("Subject").fill("uid-900")
    page.get_by_role("button", name="Authorize", exact=True).click()

    expect(
        page.get_by_role("heading", name="Your sign-in method is not strong enough for this service")
    ).to_be_visible()
    expect(page.get_by_text("Sign in again with your smartcard")).to_be_visible()
    page.get_by_role("link", name="Back to sign in").click()
    expect(page.get_by_label("Username")).to_be_visible()  # not signed in
    assert SignInRecord.objects.filter(method="sso", event="too_weak").count() == 1


@pytest.mark.hazard("HAZ-037")
def test_a_passkey_set_up_at_first_sign_in_then_used_and_then_removed(live_server, page: Page, mfa_required):
    user = coordinator_user()
    base = live_server.url
    watch = Watch(page)
    virtual_authenticator(page)

    password_step(page, base, user.username)
    expect(page.get_by_role("heading", name="Set up a second factor")).to_be_visible()
    page.get_by_role("button", name="Set up a passkey").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert len(re.findall(r"[a-z0-9]{5}-[a-z0-9]{5}", page.locator("[data-recovery-codes]").inner_text())) == 10
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    watch.check("passkey set up")
    assert Passkey.objects.filter(user=user).count() == 1

    sign_out(page, base)
    password_step(page, base, user.username)
    expect(page.get_by_role("heading", name="Second step")).to_be_visible()
    page.goto(f"{base}/admin/")  # the workspace waits for the second factor too
    expect(page.get_by_role("heading", name="Second step")).to_be_visible()
    page.get_by_role("button", name="Use your passkey").click()
    expect(page.get_by_role("heading", name="Coordinators' workspace")).to_be_visible()
    watch.check("passkey used")

    # Removed (an administrator's reset) while the user is at the second step: refused.
    sign_out(page, base)
    password_step(page, base, user.username)
    expect(page.get_by_role("heading", name="Second step")).to_be_visible()

    def remove_first(route):
        Passkey.objects.filter(user=user).delete()
        route.continue_()

    page.route("**/accounts/second-factor/passkey/", remove_first)
    page.get_by_role("button", name="Use your passkey").click()
    expect(page.get_by_role("alert")).to_contain_text("It may have been removed from your account")
    page.goto(f"{base}/")  # not signed in: with no second factor left, as after a reset, set up a new one
    expect(page.get_by_role("heading", name="Set up a second factor")).to_be_visible()
    methods = list(SignInRecord.objects.filter(user=user).values_list("event", "method"))
    assert ("signed_in", "password_passkey") in methods and ("failed", "password_passkey") in methods


@pytest.mark.hazard("HAZ-036")
def test_one_accounts_passkey_cannot_stand_in_for_anothers(live_server, page: Page, mfa_required):
    """A tampered page that offers the owner's passkey to another account's second step: the server refuses."""
    owner, other = clinician_user("owner"), clinician_user("other", "oncologist")
    base = live_server.url
    virtual_authenticator(page)
    password_step(page, base, owner.username)
    page.get_by_role("button", name="Set up a passkey").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    owners = Passkey.objects.get(user=owner)
    sign_out(page, base)
    Passkey.objects.create(user=other, credential_id="c29tZW9uZS1lbHNlcy1rZXk", public_key=b"other-key")

    def offer_the_owners(route):
        response = route.fetch()
        options = response.json()
        options["allowCredentials"] = [{"type": "public-key", "id": owners.credential_id}]
        route.fulfill(response=response, json=options)

    password_step(page, base, other.username)
    expect(page.get_by_role("heading", name="Second step")).to_be_visible()
    page.route("**/accounts/second-factor/passkey/options/", offer_the_owners)
    page.get_by_role("button", name="Use your passkey").click()

    expect(page.get_by_role("alert")).to_contain_text("This passkey was not accepted")
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Second step")).to_be_visible()


def test_a_device_without_the_accounts_passkey_gets_a_plain_message(live_server, page: Page, mfa_required):
    user = clinician_user()
    Passkey.objects.create(user=user, credential_id="c29tZW9uZS1lbHNlcy1rZXk", public_key=b"key")
    virtual_authenticator(page)  # empty: the passkey is on another device

    password_step(page, live_server.url, user.username)
    expect(page.get_by_role("heading", name="Second step")).to_be_visible()
    page.get_by_role("button", name="Use your passkey").click()

    expect(page.get_by_role("alert")).to_contain_text("No passkey of this account was used")


def test_an_authenticator_app_set_up_and_used_in_the_browser(live_server, page: Page, mfa_required):
    user = clinician_user()
    base = live_server.url
    watch = Watch(page)

    password_step(page, base, user.username)
    secret = page.locator("[data-totp-secret]").inner_text()
    app = pyotp.TOTP(secret)  # the phone
    used = app.now()  # kept: read again after set-up, it could be the next 30-second code, never used
    page.get_by_label("Code from the app").fill(used)
    page.get_by_role("button", name="Check the code and finish").click()
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    watch.check("app set up")

    sign_out(page, base)
    password_step(page, base, user.username)
    page.get_by_label("Code").fill(used)  # the same code again: refused
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("That code was not accepted")).to_be_visible()
    page.get_by_label("Code").fill(app.at(time.time() + 30))  # the app's next code (one step of drift is allowed)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
