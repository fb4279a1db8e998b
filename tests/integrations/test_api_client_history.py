"""A system's access is in history: an API client's scopes, its on/off switch and a new token."""

import pytest
from django.urls import reverse

from integrations.models import ApiClient
from tests.admin_forms import action_data
from tests.integrations.conftest import issue

pytestmark = pytest.mark.django_db


def change(client, api_client, **fields):
    data = {"name": api_client.name, "scopes": api_client.scopes, "active": "on" if api_client.active else ""}
    data["loaded_version"] = api_client.version  # the version the form was opened at
    data.update(fields)
    url = reverse("admin:integrations_apiclient_change", args=[api_client.pk])
    return client.post(url, {key: value for key, value in data.items() if value != ""})


@pytest.mark.hazard("HAZ-007")
def test_a_scope_added_or_a_token_withdrawn_in_the_workspace_is_in_history_with_who(client, admin_user):
    api_client, _ = issue("warehouse", scopes=("ImagingStudy",))
    client.force_login(admin_user)

    assert change(client, api_client, scopes=["ImagingStudy", "Patient"]).status_code == 302
    api_client.refresh_from_db()
    assert change(client, api_client, active="").status_code == 302

    rows = list(ApiClient.history.filter(id=api_client.pk).order_by("history_id"))
    assert [(row.history_type, sorted(row.scopes), row.active) for row in rows] == [
        ("+", ["ImagingStudy"], True),
        ("~", ["ImagingStudy", "Patient"], True),
        ("~", ["ImagingStudy", "Patient"], False),
    ]
    assert [row.history_user_id for row in rows[1:]] == [admin_user.pk, admin_user.pk]


def test_a_new_token_is_in_history_by_its_prefix_never_its_digest(client, admin_user):
    api_client, _ = issue("warehouse")
    client.force_login(admin_user)

    client.post(reverse("admin:integrations_apiclient_changelist"), action_data("issue_new_token", api_client))

    api_client.refresh_from_db()
    latest = ApiClient.history.filter(id=api_client.pk).latest("history_id")
    assert (latest.token_prefix, latest.history_user_id) == (api_client.token_prefix, admin_user.pk)
    assert not hasattr(latest, "token_hash")
