"""Every inline of the workspace takes a bounded number of rows in one post (core.admin.BoundedInlineMixin):
a mangled or hostile management form cannot make the page build and render a thousand forms."""

import pytest
from django.contrib import admin
from django.urls import reverse

from core.admin import INLINE_ABSOLUTE_MAX, BoundedInlineMixin
from mdt.models import Member
from tests.accounts.test_write_walk import row_total
from tests.admin_forms import admin_post_data
from tests.factories import CaseFactory, team_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("claimed", [INLINE_ABSOLUTE_MAX + 1, 10**6])
def test_a_post_claiming_more_inline_rows_than_the_bound_is_refused_with_a_message_and_saves_nothing(client, claimed):
    client.force_login(team_user("coordinator", Member.Role.MDT_COORDINATOR))
    case = CaseFactory()
    url = reverse("admin:cases_patient_change", args=[case.patient_id])
    data = admin_post_data(client.get(url), given_name="Changed")
    [total] = [name for name in data if name.endswith("-TOTAL_FORMS")]
    data[total] = str(claimed)
    before = row_total()

    response = client.post(url, data)

    assert response.status_code == 200
    assert f"Please submit at most {INLINE_ABSOLUTE_MAX} forms." in response.content.decode()
    assert row_total() == before
    case.patient.refresh_from_db()
    assert case.patient.given_name != "Changed"
    # The page is built from the bound formset: at most the bound's rows, never the number claimed.
    prefix = total.removesuffix("TOTAL_FORMS")
    assert 0 < response.content.decode().count(f'name="{prefix}') < 10 * INLINE_ABSOLUTE_MAX


def test_a_patients_existing_cases_are_all_shown_and_saved_under_the_bound(client):
    client.force_login(team_user("coordinator", Member.Role.MDT_COORDINATOR))
    case = CaseFactory()
    CaseFactory(patient=case.patient)
    url = reverse("admin:cases_patient_change", args=[case.patient_id])

    response = client.post(url, admin_post_data(client.get(url), given_name="Changed"))

    assert response.status_code == 302
    case.patient.refresh_from_db()
    assert case.patient.given_name == "Changed"


def test_every_inline_of_the_workspace_is_bounded():
    inlines = {inline for model_admin in admin.site._registry.values() for inline in model_admin.inlines}
    assert inlines, "the workspace has inlines"
    assert [i.__name__ for i in inlines if not issubclass(i, BoundedInlineMixin)] == []
