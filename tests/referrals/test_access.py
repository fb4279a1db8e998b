"""A referrer sees their own organisation's referrals and nothing else (the URL walk covers every other page)."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.roles import REFERRER
from referrals.services import drafts
from referrals.services.accept import referral_accept
from tests.factories import PASSWORD
from tests.referrals import makers
from tests.signin.test_second_factor import set_up_app

pytestmark = pytest.mark.django_db

REFER_URLS = ("detail", "check", "advice-pdf")


@pytest.mark.hazard("HAZ-041")
def test_a_referrer_gets_404_for_every_page_of_another_organisations_referral(client, referrer, other_org, mscc):
    theirs = makers.advised(makers.submitted(makers.referrer_user("other", other_org)), by=mscc)
    client.force_login(referrer)

    for name in REFER_URLS:
        assert client.get(reverse(f"refer:{name}", args=[theirs.pk])).status_code == 404, name
    assert client.get(reverse("refer:step", args=[theirs.pk, "patient"])).status_code == 404
    assert client.post(reverse("refer:message", args=[theirs.pk]), {"body": "Hello"}).status_code == 404
    assert theirs.messages.count() == 0
    home = client.get(reverse("refer:home")).content.decode()
    assert theirs.reference not in home


def test_a_referrer_sees_the_referrals_of_colleagues_in_the_same_organisation(client, referrer, org):
    colleague = makers.submitted(makers.referrer_user("colleague", org))
    client.force_login(referrer)

    assert client.get(reverse("refer:detail", args=[colleague.pk])).status_code == 200


@pytest.mark.hazard("HAZ-041")
def test_a_referrer_cannot_reach_the_patient_or_case_the_referral_became(client, referrer, mscc):
    referral = makers.advised(makers.submitted(referrer), by=mscc)
    case = referral_accept(referral_id=referral.pk, user=mscc, mrn="NEW001")
    client.force_login(referrer)

    for url in (reverse("case-detail", args=[case.pk]), reverse("patient-detail", args=[case.patient_id])):
        response = client.get(url)
        assert response.status_code == 403
        assert "Thomas" not in response.content.decode()
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 403


def test_a_referrer_waiting_for_approval_cannot_start_a_referral(client, org):
    waiting = makers.referrer_user("waiting", org, approved=False)
    client.force_login(waiting)

    assert "waiting for the MSCC service to approve" in client.get(reverse("refer:home")).content.decode()
    assert client.post(reverse("refer:new")).status_code == 403
    with pytest.raises(PermissionDenied):
        drafts.referral_start(user=waiting)


def test_the_dashboard_address_sends_a_referrer_to_their_referrals(client, referrer):
    client.force_login(referrer)

    response = client.get("/")

    assert response.status_code == 302 and response["Location"] == reverse("refer:home")


def test_the_navbar_shows_a_referrer_only_their_menu(client, referrer):
    client.force_login(referrer)

    page = client.get(reverse("refer:home")).content.decode()

    assert "My referrals" in page
    for hidden in ("Patients", "Meetings", "Reports", "Coordinators' workspace"):
        assert hidden not in page


@pytest.mark.hazard("HAZ-041")
def test_the_referrer_role_holds_only_the_permission_to_refer_and_is_never_staff(referrer):
    group = Group.objects.get(name=REFERRER)

    assert {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()} == {"referrals.refer"}
    assert not referrer.is_staff and not referrer.is_superuser
    assert list(referrer.groups.values_list("name", flat=True)) == [REFERRER]


@pytest.mark.hazard("HAZ-041")
def test_a_referrer_signing_in_with_a_password_goes_through_the_second_factor_first(client, referrer, settings):
    settings.MFA_REQUIRED = True
    home = reverse("refer:home")

    client.post(reverse("login"), {"username": referrer.username, "password": PASSWORD})

    assert client.get(home)["Location"] == reverse("signin:second-factor")  # held there, not 403
    assert client.get(reverse("signin:second-factor"))["Location"] == reverse("signin:set-up")
    codes = set_up_app(client)  # the confinement lets a referrer set up their own second factor
    assert codes.status_code == 200
    assert client.get(home).status_code == 200
    assert client.get(reverse("patient-list")).status_code == 403  # still confined once it has passed
