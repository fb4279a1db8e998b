"""Workspace actions act only on what the person saw (core.admin_actions): the change list writes each row's
version beside its tick; an action runs only on the rows still at it, names the others, refuses a post without
the versions and a selection across pages; an action's own page (delete's confirmation) sends them back and is
checked again. Each action's own tests are beside its app's (cases, integrations, referrals, reminders)."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import update_last_login
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.admin_actions import MISSING_VERSIONS, SeenVersionsMixin, seen_name, shown_version
from core.history import save_as
from referrals.models import Organisation, Referrer
from tests.admin_forms import SEEN_INPUT, action_data, said, ticked
from tests.factories import UserFactory, coordinator_user
from tests.referrals.makers import organisation, referrer_user
from tests.stale_edits import superuser, us  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

REFERRERS = reverse("admin:referrals_referrer_changelist")
ORGANISATIONS = reverse("admin:referrals_organisation_changelist")
USERS = reverse("admin:auth_user_changelist")


@pytest.fixture
def waiting() -> list[Referrer]:
    """Three referrers waiting for approval."""
    org = organisation()
    return [referrer_user(f"ref{n}", org, approved=False).referrer for n in range(3)]


@pytest.fixture
def coordinator(client):
    client.force_login(coordinator_user())
    return client


def approved(referrers: list[Referrer]) -> list[bool]:
    return [Referrer.objects.get(pk=r.pk).approved_at is not None for r in referrers]


def renamed(obj, by, **fields):
    """Someone else's save from the workspace (a form raises the version)."""
    obj = type(obj).objects.get(pk=obj.pk)
    for name, value in fields.items():
        setattr(obj, name, value)
    if hasattr(obj, "version"):
        obj.version += 1
    save_as(by, obj)
    return obj


@pytest.mark.hazard("HAZ-174")
def test_every_admin_with_actions_acts_only_on_rows_as_the_list_showed_them(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    with_actions = [model_admin for model_admin in admin.site._registry.values() if model_admin.get_actions(request)]

    assert len(with_actions) > 20  # delete for the superuser almost everywhere, and each app's own actions
    assert [type(a).__name__ for a in with_actions if not isinstance(a, SeenVersionsMixin)] == []


@pytest.mark.hazard("HAZ-174")
def test_the_list_writes_each_rows_version_hidden_beside_its_tick_and_offers_no_select_all_across_pages(
    coordinator, waiting, monkeypatch
):
    monkeypatch.setattr(type(admin.site._registry[Referrer]), "list_per_page", 2)  # three rows: two pages
    renamed(waiting[1], coordinator_user("other"), job_title="Consultant")

    page = coordinator.get(REFERRERS)

    html = page.content.decode()
    shown = page.context["cl"].result_list
    assert len(shown) == 2 and page.context["cl"].result_count == 3
    assert dict(SEEN_INPUT.findall(html)) == {
        seen_name(r.pk): str(Referrer.objects.get(pk=r.pk).version) for r in shown
    }
    assert "2" in dict(SEEN_INPUT.findall(html)).values()  # the row changed since it was made
    head = html.split('id="result_list"')[1].split("</thead>")[0]
    assert head.count("<th ") == len(page.context["cl"].list_display)  # the tick's column, and no new one
    assert "Select all 3" not in html and 'class="question' not in html


@pytest.mark.hazard("HAZ-174")
@pytest.mark.parametrize(
    "versions",
    [{}, {"first": "1"}, {"first": "1", "second": "abc"}, {"first": "1", "second": "²"}, {"first": "1", "second": "-1"},
     {"first": "1", "second": str(10**20)}],
    ids=["none", "one missing", "letters", "not ascii", "negative", "past any version"],
)  # fmt: skip
def test_a_post_without_the_version_of_every_ticked_row_does_nothing_and_says_so(coordinator, waiting, versions):
    data = {"action": "approve", "_selected_action": [waiting[0].pk, waiting[1].pk]}
    for which, value in versions.items():
        data[seen_name(waiting[0 if which == "first" else 1].pk)] = value

    response = coordinator.post(REFERRERS, data)

    assert response.status_code == 302
    assert approved(waiting) == [False, False, False]
    assert any(MISSING_VERSIONS in message for message in said(response))


@pytest.mark.hazard("HAZ-174")
def test_select_all_across_pages_is_refused_whatever_was_ticked(coordinator, waiting):
    response = coordinator.post(REFERRERS, action_data("approve", waiting[0], select_across="1"))

    assert approved(waiting) == [False, False, False]
    assert any("“select all” takes rows on other pages that you have not seen" in m for m in said(response))


@pytest.mark.hazard("HAZ-174")
def test_a_row_deleted_since_the_list_was_shown_is_named_and_the_others_go_ahead(coordinator, waiting):
    page = coordinator.get(REFERRERS)
    gone = waiting[2].pk
    Referrer.objects.filter(pk=gone).delete()

    response = coordinator.post(REFERRERS, ticked(page, "approve", *waiting))

    assert approved(waiting[:2]) == [True, True]
    assert f"Referrer {gone} was deleted since you opened the list" in " ".join(said(response))


@pytest.mark.hazard("HAZ-174")
def test_deleting_confirms_only_the_rows_as_shown_and_checks_them_again_on_confirming(us):  # noqa: F811
    first, second, third = organisation("Alpha"), organisation("Beta"), organisation("Gamma")
    page = us.get(ORGANISATIONS)
    renamed(second, superuser("eira", "Eira", "Hughes"), name="Beta General")

    confirm = us.post(ORGANISATIONS, ticked(page, "delete_selected", first, second, third))

    assert confirm.status_code == 200
    assert {o.pk for o in confirm.context["queryset"]} == {first.pk, third.pk}
    assert "Beta General (RX" in " ".join(said(confirm)) and "Eira Hughes at" in " ".join(said(confirm))
    renamed(third, superuser("ffion", "Ffion", "Rees"), region="South")  # changed while the page was open

    done = us.post(ORGANISATIONS, ticked(confirm, "delete_selected", first, third, post="yes"))

    assert done.status_code == 302
    assert set(Organisation.objects.values_list("name", flat=True)) == {"Beta General", "Gamma"}
    assert any("Gamma" in m and "Ffion Rees at" in m and "was not done" in m for m in said(done))


@pytest.mark.hazard("HAZ-174")
def test_a_record_versioned_by_its_history_is_checked_by_its_newest_history_row_and_a_sign_in_is_no_change(
    us,  # noqa: F811
):
    signed_in, renamed_one = UserFactory(username="signed-in"), UserFactory(username="renamed")
    page = us.get(USERS)
    update_last_login(None, signed_in)  # what each sign-in stamps
    renamed(renamed_one, superuser("eira", "Eira", "Hughes"), first_name="Changed")

    confirm = us.post(USERS, ticked(page, "delete_selected", signed_in, renamed_one))

    assert [u.pk for u in confirm.context["queryset"]] == [signed_in.pk]
    assert any("renamed" in m and "first name:" in m and "→ Changed" in m for m in said(confirm))
    us.post(USERS, ticked(confirm, "delete_selected", signed_in, post="yes"))
    left = get_user_model().objects.filter(username__in=["signed-in", "renamed"]).values_list("username", flat=True)
    assert set(left) == {"renamed"}


def test_the_list_of_records_versioned_by_history_reads_their_versions_in_one_query(us):  # noqa: F811
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert us.get(USERS).status_code == 200
        return len(captured.captured_queries)

    UserFactory.create_batch(2)
    few = queries()
    UserFactory.create_batch(6)

    assert queries() == few
    row = get_user_model().objects.get(username="carys")
    assert f'name="{seen_name(row.pk)}" value="{shown_version(row)}"' in us.get(USERS).content.decode()
