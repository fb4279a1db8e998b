"""NHS CIS2 Authentication against the real test provider: the assurance level (`acr`) and the organisation
each role is held at (`nhsid_nrbac_roles`), end to end from the sign-in button to the session.

The provider puts what a test sets for a person into the signed ID token and the userinfo answer, as CIS2
does: `acr` says how the person authenticated (AAL3_ANY: a smartcard or another AAL3 authenticator;
AAL1_USERPASS: a password), `nhsid_nrbac_roles` every national RBAC role they hold, each at its organisation.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from authlib.integrations.django_client import DjangoOAuth2App
from django.urls import reverse

from accounts.models import SignInRecord
from accounts.roles import CLINICIAN, READ_ONLY, SCAN_REVIEWER
from mdt.models import Member
from signin.models import ProviderIdentity
from tests.signin.conftest import AUDIT, COORDINATOR, ONCOLOGIST, role, sso_sign_in

pytestmark = pytest.mark.django_db


def groups(user):
    return set(user.groups.values_list("name", flat=True))


def signed_in(client):
    return client.get(reverse("dashboard")).status_code == 200


def test_it_asks_for_the_accepted_level_and_signs_in_a_smartcard_user_with_their_role_here(client, cis2):
    cis2.set_user("uid-1", acr="AAL3_ANY", nhsid_nrbac_roles=[role(ONCOLOGIST, "RX1")], given_name="Ada")

    start = client.get(reverse("signin:sso-start"))
    back = urlsplit(cis2.authorize(start["Location"], "uid-1"))
    response = client.get(f"{back.path}?{back.query}")

    assert parse_qs(urlsplit(start["Location"]).query)["acr_values"] == ["AAL3_ANY"]
    assert response.status_code == 302 and signed_in(client)
    user = ProviderIdentity.objects.get(subject="uid-1").user
    assert user.member.role == Member.Role.ONCOLOGIST and groups(user) == {CLINICIAN, SCAN_REVIEWER}
    assert SignInRecord.objects.filter(user=user, event=SignInRecord.Event.SIGNED_IN).exists()


@pytest.mark.hazard("HAZ-170")
@pytest.mark.parametrize("acr", ["AAL1_USERPASS", "AAL2_ANY", "AAL2_OR_AAL3_ANY", "aal3_any"])
def test_a_sign_in_weaker_than_accepted_is_refused_with_what_to_do_and_why_recorded(client, cis2, acr):
    """The request asked for AAL3_ANY, but it passes through the browser: what counts is the token's answer."""
    cis2.set_user("uid-2", acr=acr, nhsid_nrbac_roles=[role(ONCOLOGIST, "RX1")])

    response = sso_sign_in(client, cis2, "uid-2")

    assert response.status_code == 403
    page = response.content.decode()
    assert "Your sign-in method is not strong enough for this service" in page
    assert "Sign in again with your smartcard" in page
    assert not signed_in(client)
    assert not ProviderIdentity.objects.filter(subject="uid-2").exists()
    record = SignInRecord.objects.get(event=SignInRecord.Event.NOT_STRONG_ENOUGH, method=SignInRecord.Method.SSO)
    assert repr(acr) in record.detail and "AAL3_ANY" in record.detail


@pytest.mark.hazard("HAZ-170")
def test_an_id_token_that_says_nothing_of_the_level_is_refused(client, cis2):
    cis2.set_user("uid-3", nhsid_nrbac_roles=[role(ONCOLOGIST, "RX1")])  # no acr at all

    response = sso_sign_in(client, cis2, "uid-3")

    assert response.status_code == 403 and not signed_in(client)
    record = SignInRecord.objects.get(event=SignInRecord.Event.NOT_STRONG_ENOUGH)
    assert "no acr" in record.detail


@pytest.mark.hazard("HAZ-170")
def test_a_level_only_in_the_userinfo_answer_does_not_count(client, cis2, monkeypatch):
    """Only the signed ID token says how the person authenticated; userinfo is merged in after the check."""
    cis2.set_user("uid-4", nhsid_nrbac_roles=[role(ONCOLOGIST, "RX1")])
    userinfo = DjangoOAuth2App.userinfo
    monkeypatch.setattr(DjangoOAuth2App, "userinfo", lambda self, **kw: {**userinfo(self, **kw), "acr": "AAL3_ANY"})

    assert sso_sign_in(client, cis2, "uid-4").status_code == 403
    assert not signed_in(client)


@pytest.mark.hazard("HAZ-170")
def test_a_known_person_refused_for_their_method_is_named_in_the_record_and_keeps_no_session(client, cis2):
    cis2.set_user("uid-5", acr="AAL3_ANY", nhsid_nrbac_roles=[role(COORDINATOR, "RX1")])
    sso_sign_in(client, cis2, "uid-5")
    user = ProviderIdentity.objects.get(subject="uid-5").user
    client.post(reverse("logout"))
    cis2.set_user("uid-5", acr="AAL1_USERPASS", nhsid_nrbac_roles=[role(COORDINATOR, "RX1")])

    assert sso_sign_in(client, cis2, "uid-5").status_code == 403

    assert not signed_in(client)
    assert SignInRecord.objects.get(event=SignInRecord.Event.NOT_STRONG_ENOUGH).user == user


def test_with_no_accepted_level_nothing_is_asked_for_or_checked(client, sso):
    """Entra ID's default: its tokens carry no CIS2 class, and the request names none."""
    sso.set_user("entra-1", roles=["MDT.Oncologist"])

    start = client.get(reverse("signin:sso-start"))
    back = urlsplit(sso.authorize(start["Location"], "entra-1"))

    assert "acr_values" not in parse_qs(urlsplit(start["Location"]).query)
    assert client.get(f"{back.path}?{back.query}").status_code == 302 and signed_in(client)


@pytest.mark.hazard("HAZ-171")
def test_only_the_roles_held_at_the_trusts_organisations_count(client, cis2):
    """An oncologist's role at another trust and an audit role here: read-only here, nothing clinical."""
    cis2.set_user("uid-6", acr="AAL3_ANY", nhsid_nrbac_roles=[role(ONCOLOGIST, "RZZ", "1"), role(AUDIT, "RX1", "2")])

    sso_sign_in(client, cis2, "uid-6")

    user = ProviderIdentity.objects.get(subject="uid-6").user
    assert signed_in(client)
    assert groups(user) == {READ_ONLY}
    assert not Member.objects.filter(user=user).exists()


@pytest.mark.hazard("HAZ-171")
def test_a_role_held_only_at_another_organisation_gives_no_access(client, cis2):
    cis2.set_user("uid-7", acr="AAL3_ANY", nhsid_nrbac_roles=[role(ONCOLOGIST, "RZZ")])

    response = sso_sign_in(client, cis2, "uid-7")

    assert response.status_code == 403 and not signed_in(client)
    page = response.content.decode()
    assert "Ask your administrator" in page
    assert "Only roles held at RX1 count here" in page
    assert f"{ONCOLOGIST} (at RZZ)" in page
    assert not ProviderIdentity.objects.filter(subject="uid-7").exists()
    assert SignInRecord.objects.filter(event=SignInRecord.Event.REFUSED, method=SignInRecord.Method.SSO).exists()


@pytest.mark.hazard("HAZ-171")
def test_a_role_moved_to_another_organisation_is_taken_away_at_the_next_sign_in(client, cis2):
    cis2.set_user("uid-8", acr="AAL3_ANY", nhsid_nrbac_roles=[role(ONCOLOGIST, "RX1")])
    sso_sign_in(client, cis2, "uid-8")
    user = ProviderIdentity.objects.get(subject="uid-8").user
    client.post(reverse("logout"))
    cis2.set_user("uid-8", acr="AAL3_ANY", nhsid_nrbac_roles=[role(ONCOLOGIST, "RZZ")])  # moved trust

    assert sso_sign_in(client, cis2, "uid-8").status_code == 403

    assert groups(user) == set()
    assert not Member.objects.get(user=user).active
