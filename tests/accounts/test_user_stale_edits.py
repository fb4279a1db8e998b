"""Stale edits of user accounts in the workspace (active, names, email, staff status, groups).

The user is Django's model, not the app's: it has history (accounts.models) but no version column, so the
version a form was opened at is its newest history row (core.concurrency.HistoryVersionedFormMixin). A
save that changed nothing the history keeps (a sign-in stamps the last sign-in time) moves nothing.
"""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from accounts.roles import CLINICIAN, assign_role
from mdt.models import Member
from tests import stale_edits
from tests.admin_forms import admin_post_data
from tests.factories import UserFactory
from tests.stale_edits import STALE

pytestmark = pytest.mark.django_db


us, them = stale_edits.us, stale_edits.them  # the fixtures


@pytest.fixture
def account() -> Any:
    return UserFactory(username="leaver", email="leaver@example.org")


def url_of(user: Any) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


def errors(response: Any) -> str:
    return str(response.context["adminform"].form.errors)


def fresh(user: Any) -> Any:
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.hazard("HAZ-002")
def test_a_user_form_opened_before_someone_deactivated_the_account_is_refused_with_what_they_changed(us, them, account):
    ours = us.get(url_of(account))
    assert them.post(url_of(account), admin_post_data(them.get(url_of(account)), is_active=None)).status_code == 302

    response = us.post(url_of(account), admin_post_data(ours, email="new@example.org"))

    assert response.status_code == 200
    assert STALE in errors(response)
    assert "Dai Jones at " in errors(response) and "active: True → False" in errors(response)
    assert (fresh(account).is_active, fresh(account).email) == (False, "leaver@example.org")


@pytest.mark.hazard("HAZ-002")
def test_a_role_given_since_the_form_opened_is_not_taken_away_by_it(us, account):
    ours = us.get(url_of(account))

    assign_role(account, Member.Role.ONCOLOGIST)

    response = us.post(url_of(account), admin_post_data(ours, first_name="Ceri"))
    assert STALE in errors(response) and "groups: (blank) → " in errors(response)
    assert CLINICIAN in set(fresh(account).groups.values_list("name", flat=True))
    assert fresh(account).first_name != "Ceri"


@pytest.mark.hazard("HAZ-002")
def test_signing_in_since_the_form_opened_changes_nothing_it_would_overwrite_so_it_saves(us, account):
    ours = us.get(url_of(account))

    Client().force_login(account)  # stamps the last sign-in: a history row that changes nothing kept

    response = us.post(url_of(account), admin_post_data(ours, email="moved@example.org"))
    assert response.status_code == 302, errors(response)
    assert fresh(account).email == "moved@example.org"


@pytest.mark.hazard("HAZ-002")
def test_a_user_form_saved_from_the_newest_version_saves_and_moves_the_version(us, account):
    first = us.get(url_of(account))
    opened_at = first.context["adminform"].form["loaded_version"].value()

    assert us.post(url_of(account), admin_post_data(first, last_name="Price")).status_code == 302

    again = us.get(url_of(account))
    assert again.context["adminform"].form["loaded_version"].value() > opened_at
    assert us.post(url_of(account), admin_post_data(again, last_name="Prys")).status_code == 302
    assert fresh(account).last_name == "Prys"


@pytest.mark.hazard("HAZ-002")
def test_a_user_form_that_did_not_send_its_version_is_refused(us, account):
    page = us.get(url_of(account))

    response = us.post(url_of(account), admin_post_data(page, is_active=None, loaded_version=""))

    assert STALE in errors(response)
    assert fresh(account).is_active is True


def test_the_last_sign_in_time_is_shown_not_edited(us, account):
    page = us.get(url_of(account))

    assert "last_login" not in page.context["adminform"].form.fields


@pytest.mark.hazard("HAZ-002")
def test_a_user_form_sending_a_version_that_is_none_of_the_accounts_is_refused(us, account):
    page = us.get(url_of(account))
    unknown = page.context["adminform"].form["loaded_version"].value() + 1000

    response = us.post(url_of(account), admin_post_data(page, is_active=None, loaded_version=unknown))

    assert STALE in errors(response)
    assert fresh(account).is_active is True


@pytest.mark.hazard("HAZ-002")
def test_a_role_groups_form_opened_before_its_permissions_changed_is_refused(us, them):
    group = Group.objects.create(name="Trial group")
    group.permissions.add(Permission.objects.get(codename="view_case"))
    url = reverse("admin:auth_group_change", args=[group.pk])
    ours = us.get(url)
    theirs = them.get(url)
    assert them.post(url, admin_post_data(theirs, permissions=[])).status_code == 302

    response = us.post(url, admin_post_data(ours, name="Renamed group"))

    assert STALE in errors(response) and "Dai Jones at " in errors(response)
    assert "permissions: Clinical record | case | Can view case → (blank)" in errors(response)
    group.refresh_from_db()
    assert group.name == "Trial group" and not group.permissions.exists()
    fresh_page = us.get(url)
    assert us.post(url, admin_post_data(fresh_page, name="Renamed group")).status_code == 302
