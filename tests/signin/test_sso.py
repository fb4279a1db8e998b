"""Single sign-on end to end against the real test provider (the browser's part played by requests)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.models import SignInRecord
from accounts.roles import CLINICIAN, COORDINATOR, READ_ONLY, SCAN_REVIEWER
from mdt.models import Member
from signin.models import ProviderIdentity
from tests.admin_forms import admin_post_data
from tests.factories import PASSWORD, UserFactory, clinician_user
from tests.signin.conftest import sso_sign_in

pytestmark = pytest.mark.django_db


def groups(user):
    return set(user.groups.values_list("name", flat=True))


def test_it_starts_the_code_flow_with_pkce_state_and_nonce(client, sso):
    start = client.get(reverse("signin:sso-start"))

    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(f"{sso.url}/oauth2/authorize?")
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"] and query["nonce"]
    assert "openid" in query["scope"][0].split()


def test_it_creates_the_account_at_first_sign_on_with_the_mapped_role(client, sso):
    sso.set_user(
        "sub-onc-1",
        roles=["MDT.Oncologist", "Unrelated.Group"],
        preferred_username="a.oncologist",
        given_name="Ada",
        family_name="Okafor",
        email="ada@example.nhs.uk",
    )

    response = sso_sign_in(client, sso, "sub-onc-1")

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    identity = ProviderIdentity.objects.get(issuer=sso.url, subject="sub-onc-1")
    user = identity.user
    assert (user.username, user.first_name, user.email) == ("a.oncologist", "Ada", "ada@example.nhs.uk")
    assert not user.has_usable_password() and not user.is_staff and not user.is_superuser
    assert user.member.role == Member.Role.ONCOLOGIST
    assert groups(user) == {CLINICIAN, SCAN_REVIEWER}
    record = SignInRecord.objects.get(user=user, event=SignInRecord.Event.SIGNED_IN)
    assert record.method == SignInRecord.Method.SSO


def test_it_finds_the_same_account_by_subject_next_time_whatever_the_name(client, sso):
    sso.set_user("sub-2", roles=["MDT.Coordinator"], preferred_username="first.name")
    sso_sign_in(client, sso, "sub-2")
    client.post(reverse("logout"))
    sso.set_user("sub-2", roles=["MDT.Coordinator"], preferred_username="renamed.after.marriage")

    sso_sign_in(client, sso, "sub-2")

    assert ProviderIdentity.objects.filter(subject="sub-2").count() == 1
    assert get_user_model().objects.filter(provider_identities__subject="sub-2").get().username == "first.name"


@pytest.mark.hazard("HAZ-035")
def test_it_never_takes_over_a_local_account_with_the_same_username(client, sso):
    local = clinician_user("j.smith")
    sso.set_user("sub-3", roles=["MDT.Audit"], preferred_username="j.smith")

    sso_sign_in(client, sso, "sub-3")

    user = ProviderIdentity.objects.get(subject="sub-3").user
    assert user.pk != local.pk
    assert user.username.startswith("j.smith-")
    assert groups(user) == {READ_ONLY} and user.is_staff


@pytest.mark.hazard("HAZ-035")
def test_nobody_gets_a_role_the_table_does_not_grant(client, sso):
    sso.set_user("sub-4", roles=["Global.Admin", "MDT.oncologist", "is_superuser"])  # none is in the table

    response = sso_sign_in(client, sso, "sub-4")

    assert response.status_code == 403
    assert "Ask your administrator" in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302  # not signed in
    assert not ProviderIdentity.objects.filter(subject="sub-4").exists()
    assert SignInRecord.objects.filter(event=SignInRecord.Event.REFUSED, method=SignInRecord.Method.SSO).exists()


@pytest.mark.hazard("HAZ-035")
def test_a_role_taken_away_at_the_provider_is_taken_away_here(client, sso):
    sso.set_user("sub-5", roles=["MDT.Coordinator", "MDT.Audit"])
    sso_sign_in(client, sso, "sub-5")
    user = ProviderIdentity.objects.get(subject="sub-5").user
    assert groups(user) == {COORDINATOR, READ_ONLY}
    client.post(reverse("logout"))
    sso.set_user("sub-5", roles=["MDT.Radiology"])

    sso_sign_in(client, sso, "sub-5")

    user.refresh_from_db()
    assert groups(user) == {CLINICIAN, SCAN_REVIEWER}
    assert not user.is_staff
    client.post(reverse("logout"))
    sso.set_user("sub-5", roles=[])

    assert sso_sign_in(client, sso, "sub-5").status_code == 403
    assert groups(user) == set()
    assert not Member.objects.get(user=user).active


@pytest.mark.hazard("HAZ-035")
def test_a_membership_ended_at_the_provider_is_in_the_members_history_with_who_and_why(client, sso):
    sso.set_user("sub-5h", roles=["MDT.Oncologist"])
    sso_sign_in(client, sso, "sub-5h")
    user = ProviderIdentity.objects.get(subject="sub-5h").user
    client.post(reverse("logout"))
    sso.set_user("sub-5h", roles=[])

    sso_sign_in(client, sso, "sub-5h")

    latest = Member.history.filter(user_id=user.pk).latest("history_id")
    assert latest.active is False
    assert latest.history_user_id == user.pk
    assert latest.history_change_reason == "Role removed at the identity provider (single sign-on)"
    first = Member.history.filter(user_id=user.pk).earliest("history_id")
    assert (first.active, first.history_user_id) == (True, user.pk)


@pytest.mark.hazard("HAZ-035")
def test_a_deactivated_account_is_not_signed_in_by_the_provider(client, sso):
    sso.set_user("sub-6", roles=["MDT.Oncologist"])
    sso_sign_in(client, sso, "sub-6")
    client.post(reverse("logout"))
    get_user_model().objects.filter(provider_identities__subject="sub-6").update(is_active=False)

    assert sso_sign_in(client, sso, "sub-6").status_code == 403
    assert client.get(reverse("dashboard")).status_code == 302


def test_it_refuses_a_callback_with_a_state_it_did_not_send(client, sso):
    sso.set_user("sub-7", roles=["MDT.Oncologist"])
    start = client.get(reverse("signin:sso-start"))
    back = urlsplit(sso.authorize(start["Location"], "sub-7"))
    forged = {**parse_qs(back.query), "state": ["made-up"]}

    response = client.get(back.path, {key: values[0] for key, values in forged.items()})

    assert response.status_code == 400
    assert client.get(reverse("dashboard")).status_code == 302
    assert SignInRecord.objects.filter(event=SignInRecord.Event.FAILED, method="sso").exists()


def test_a_callback_cannot_be_replayed(client, sso):
    sso.set_user("sub-8", roles=["MDT.Oncologist"])
    start = client.get(reverse("signin:sso-start"))
    back = urlsplit(sso.authorize(start["Location"], "sub-8"))
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    client.post(reverse("logout"))

    assert client.get(f"{back.path}?{back.query}").status_code == 400


def test_sign_out_ends_the_session_and_offers_the_providers(client, sso):
    sso.set_user("sub-9", roles=["MDT.Oncologist"])
    sso_sign_in(client, sso, "sub-9")

    response = client.post(reverse("logout"))

    assert response.status_code == 200
    assert client.get(reverse("dashboard")).status_code == 302
    page = response.content.decode()
    assert f"{sso.url}/oauth2/end_session?" in page
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Faccounts%2Flogin%2F" in page
    assert SignInRecord.objects.filter(event=SignInRecord.Event.SIGNED_OUT, method="sso").exists()


def test_a_single_sign_on_session_owes_no_second_factor(client, sso, mfa_required):
    sso.set_user("sub-10", roles=["MDT.Coordinator"])
    sso_sign_in(client, sso, "sub-10")

    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_sign_in_page_offers_single_sign_on(client, sso):
    page = client.get(reverse("login")).content.decode()

    assert "Sign in with the trust account" in page
    assert 'name="password"' in page


def test_password_sign_in_can_be_switched_off(client, sso, settings):
    settings.PASSWORD_SIGN_IN = False
    user = UserFactory(username="local")

    page = client.get(reverse("login")).content.decode()
    refused = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    admin_refused = client.post(reverse("admin:login"), {"username": user.username, "password": PASSWORD})

    assert 'name="password"' not in page and "Sign in with the trust account" in page
    assert refused.status_code == 200 and admin_refused.status_code == 200
    assert client.get(reverse("dashboard")).status_code == 302


def test_without_a_provider_single_sign_on_is_not_offered(client):
    assert "Sign in with" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("signin:sso-start")).status_code == 404


@pytest.mark.hazard("HAZ-002")
def test_a_user_form_opened_before_a_sign_on_is_refused_only_if_the_sign_on_changed_what_it_edits(client, sso):
    sso.set_user("sub-st", roles=["MDT.Oncologist"], given_name="Ada", family_name="Okafor", email="ada@example.org")
    sso_sign_in(client, sso, "sub-st")
    client.post(reverse("logout"))
    user = ProviderIdentity.objects.get(subject="sub-st").user
    workspace = Client()
    workspace.force_login(get_user_model().objects.create_superuser("carys", "carys@example.org", "pw"))
    url = reverse("admin:auth_user_change", args=[user.pk])
    page = workspace.get(url)

    sso_sign_in(client, sso, "sub-st")  # the same names and role: saved again, nothing changed
    client.post(reverse("logout"))
    assert workspace.post(url, admin_post_data(page, email="ada.okafor@example.org")).status_code == 302

    page = workspace.get(url)
    sso.set_user("sub-st", roles=["MDT.Radiology"], given_name="Ada", family_name="Okafor", email="ada@example.org")
    sso_sign_in(client, sso, "sub-st")  # a new role: the membership and the groups change
    response = workspace.post(url, admin_post_data(page, first_name="Adaeze"))

    assert response.status_code == 200
    errors = [str(response.context["adminform"].form.errors)]
    errors += [str(inline.formset.errors) for inline in response.context["inline_admin_formsets"]]
    assert "Someone else saved this record after you opened it" in " ".join(errors)
    user.refresh_from_db()
    assert user.first_name == "Ada" and user.member.role == Member.Role.RADIOLOGIST
