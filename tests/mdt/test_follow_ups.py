"""Follow-ups that can be finished: the list (mine, the team's; overdue, due, done), completing with
an outcome and cancelling with a reason from the list, the case page and the reminder, with history."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from core.widgets import PartStencil
from mdt.models import FollowUp, Member
from mdt.services.follow_ups import follow_up_cancel, follow_up_complete
from mdt.templatetags.follow_up_tags import ROW, render_actions
from reminders.models import Reminder
from reminders.selectors import my_reminders
from reminders.sweep import derive
from tests.factories import CaseFactory, PatientFactory, coordinator_user, follow_up, read_only_user, team_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def surgeon():
    return team_user("steffan", Member.Role.SPINAL_SURGEON)


@pytest.fixture
def oncologist():
    return team_user("olwen", Member.Role.ONCOLOGIST)


@pytest.fixture
def overdue(surgeon):
    case = CaseFactory(patient=PatientFactory(mrn="MRN0001", family_name="Griffiths"))
    return follow_up(surgeon, timezone.localdate() - dt.timedelta(days=3), case=case)


# --------------------------------------------------------------------------- the services


def test_completing_needs_what_happened_and_keeps_it_with_who_and_when(overdue, surgeon):
    with pytest.raises(ValidationError) as refused:
        follow_up_complete(follow_up_id=overdue.pk, user=surgeon, outcome="   ")
    assert "outcome_note" in refused.value.message_dict

    done = follow_up_complete(follow_up_id=overdue.pk, user=surgeon, outcome="Seen in clinic: walking, no pain.")

    assert done.completed_by == surgeon and done.completed_at is not None
    assert done.outcome_note == "Seen in clinic: walking, no pain."
    latest = FollowUp.history.filter(id=overdue.pk).latest("history_date")
    assert latest.history_user == surgeon and latest.outcome_note == "Seen in clinic: walking, no pain."


def test_cancelling_needs_a_reason_and_then_nothing_more_can_be_done(overdue, surgeon):
    with pytest.raises(ValidationError) as refused:
        follow_up_cancel(follow_up_id=overdue.pk, user=surgeon, reason="")
    assert "cancel_reason" in refused.value.message_dict

    cancelled = follow_up_cancel(follow_up_id=overdue.pk, user=surgeon, reason="Moved to the hospice team.")

    assert cancelled.cancel_reason == "Moved to the hospice team." and cancelled.cancelled_by == surgeon
    with pytest.raises(ValidationError, match="already cancelled"):
        follow_up_complete(follow_up_id=overdue.pk, user=surgeon, outcome="Seen.")
    with pytest.raises(ValidationError, match="already cancelled"):
        follow_up_cancel(follow_up_id=overdue.pk, user=surgeon, reason="Again.")
    assert FollowUp.history.filter(id=overdue.pk).latest("history_date").history_user == surgeon


def test_only_the_owner_or_a_coordinator_finishes_a_follow_up(overdue, oncologist):
    for user in (oncologist, read_only_user()):
        with pytest.raises(PermissionDenied):
            follow_up_cancel(follow_up_id=overdue.pk, user=user, reason="Not mine to cancel.")
    assert follow_up_cancel(follow_up_id=overdue.pk, user=coordinator_user(), reason="Duplicate.").cancelled_at


def test_the_database_refuses_a_follow_up_both_completed_and_cancelled(overdue, surgeon):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.filter(pk=overdue.pk).update(
            completed_at=timezone.now(), cancelled_at=timezone.now(), cancel_reason="x"
        )


# --------------------------------------------------------------------------- the list


@pytest.mark.hazard("HAZ-043")
def test_an_overdue_follow_up_stays_listed_until_completed_or_cancelled(client, overdue, surgeon):
    client.force_login(surgeon)
    url = reverse("follow-up-list")

    page = client.get(url, {"state": "overdue"}).content.decode()
    assert "MRN0001" in page and "Overdue" in page and ">Complete follow-up</button>" in page

    response = client.post(
        reverse("follow-up-complete", args=[overdue.pk]),
        {"outcome": "Repeat MRI: no progression.", "next": f"{url}?state=overdue"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == f"{url}?state=overdue"
    text = response.content.decode()
    assert "Clinic review for MRN MRN0001 completed." in text
    assert "No follow-up here." in text
    done = client.get(url, {"state": "done"}).content.decode()
    assert "Repeat MRI: no progression." in done and "MRN0001" in done


def test_the_outcome_box_names_the_kind_as_it_is_written(client, surgeon):
    """Only the first letter is lowered in the sentence: "the repeat MRI", never "the repeat mri"."""
    case = CaseFactory(patient=PatientFactory(mrn="MRN0002"))
    repeat_mri = follow_up(surgeon, timezone.localdate(), case=case)
    FollowUp.objects.filter(pk=repeat_mri.pk).update(kind=FollowUp.Kind.REPEAT_MRI)
    client.force_login(surgeon)

    page = client.get(reverse("follow-up-list")).content.decode()

    assert "Outcome of the repeat MRI after treatment (MRN MRN0002)" in page


def test_mine_is_the_clinicians_own_and_the_team_is_everyones(client, overdue, surgeon, oncologist):
    theirs = follow_up(oncologist, timezone.localdate() + dt.timedelta(days=5))
    client.force_login(surgeon)

    mine = client.get(reverse("follow-up-list")).context["page"].object_list
    team = client.get(reverse("follow-up-list"), {"scope": "team"}).context["page"].object_list

    assert mine == [overdue]
    assert team == [overdue, theirs]  # the most overdue first
    assert client.get(reverse("follow-up-list"), {"scope": "team", "state": "due"}).context["page"].object_list == [
        theirs
    ]


def test_a_coordinator_sees_the_teams_by_default_and_can_act_on_each(client, overdue):
    client.force_login(coordinator_user())
    response = client.get(reverse("follow-up-list"))
    assert response.context["chosen"].scope == "team"
    assert ">Cancel follow-up</button>" in response.content.decode()


def test_the_list_runs_a_fixed_number_of_queries(client, surgeon, django_assert_num_queries):
    for days in range(-5, 5):
        follow_up(surgeon, timezone.localdate() + dt.timedelta(days=days))
    client.force_login(surgeon)
    client.get(reverse("follow-up-list"))  # warm the session and the permission caches
    # 1 session, 2 user with their member row (accounts.backends), 3 the page of follow-ups (case,
    # patient, owner, completed_by and cancelled_by joined), 4-5 permissions (the actions shown; the
    # reports link in the navbar reads them from the cache)
    with django_assert_num_queries(5):
        client.get(reverse("follow-up-list"), {"scope": "team"})


def test_bad_filters_fall_back_to_the_default(client, overdue, surgeon):
    client.force_login(surgeon)
    response = client.get(reverse("follow-up-list"), {"scope": "<script>", "state": "x", "page": "-3"})
    assert response.status_code == 200 and response.context["page"].object_list == [overdue]


# --------------------------------------------------------------------------- from the reminder


def test_the_reminder_offers_completing_the_follow_up_and_says_hiding_only_hides(client, overdue, surgeon):
    derive(timezone.now())
    reminder = Reminder.objects.get(follow_up=overdue, recipient=surgeon)
    client.force_login(surgeon)

    page = client.get(reverse("dashboard")).content.decode()

    assert "Hide reminder" in page and "Hiding the reminder leaves the follow-up open" in page
    assert f'action="{reverse("follow-up-complete", args=[overdue.pk])}"' in page
    response = client.post(reverse("follow-up-complete", args=[overdue.pk]), {"outcome": "Phoned: well.", "next": "/"})
    assert response["Location"] == "/"
    assert my_reminders(user_id=surgeon.pk) == []
    assert Reminder.objects.get(pk=reminder.pk).done_at is None  # the follow-up is done, not just hidden


@pytest.mark.hazard("HAZ-043")
def test_hiding_the_reminder_leaves_the_follow_up_open(client, overdue, surgeon):
    derive(timezone.now())
    reminder = Reminder.objects.get(follow_up=overdue, recipient=surgeon)
    client.force_login(surgeon)

    client.post(reverse("reminder-done", args=[reminder.pk]))

    overdue.refresh_from_db()
    assert overdue.is_open and overdue.overdue
    assert client.get(reverse("follow-up-list")).context["page"].object_list == [overdue]


def test_a_refused_completion_says_so_and_names_the_patient(client, overdue, surgeon):
    client.force_login(surgeon)
    response = client.post(reverse("follow-up-complete", args=[overdue.pk]), {"outcome": ""}, follow=True)
    assert "MRN MRN0001, Clinic review: Outcome: say what happened" in response.content.decode()
    overdue.refresh_from_db()
    assert overdue.is_open


def test_next_must_be_a_path_on_this_site(client, overdue, surgeon):
    client.force_login(surgeon)
    response = client.post(
        reverse("follow-up-cancel", args=[overdue.pk]), {"reason": "Duplicate", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("case-detail", args=[overdue.case_id])


def test_an_over_long_outcome_is_refused_naming_the_field_and_nothing_is_saved(client, overdue, surgeon):
    client.force_login(surgeon)

    response = client.post(
        reverse("follow-up-complete", args=[overdue.pk]), {"outcome": "x" * 2001, "next": "/follow-ups/"}, follow=True
    )

    overdue.refresh_from_db()
    assert overdue.completed_at is None and overdue.outcome_note == ""
    assert "Outcome: Ensure this value has at most 2000 characters" in response.content.decode()
    assert response.redirect_chain[-1][0] == "/follow-ups/"


# --------------------------------------------------------------------------- each row's forms, filled in


TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12)


@given(kind=TEXT, mrn=TEXT, back_to=TEXT, pk=st.integers(min_value=1, max_value=10**9))
def test_each_rows_forms_are_the_partial_rendered_for_that_follow_up(kind, mrn, back_to, pk):
    """The page renders the forms once and fills each row in: the same HTML as rendering them for the row."""
    values = {
        "key": f"fu-{pk}",
        "kind": kind,
        "mrn": mrn,
        "complete_url": reverse("follow-up-complete", args=[pk]),
        "cancel_url": reverse("follow-up-cancel", args=[pk]),
    }
    stencil = PartStencil(lambda stand_ins: render_actions("token", back_to, dict(stand_ins)), ROW)

    assert stencil.render(values) == render_actions("token", back_to, values)


def test_a_page_of_follow_ups_gives_each_its_own_ids_labels_and_addresses(client, surgeon, overdue):
    second = follow_up(surgeon, timezone.localdate(), case=CaseFactory(patient=PatientFactory(mrn="MRN0002")))
    client.force_login(surgeon)

    page = client.get(reverse("follow-up-list")).content.decode()

    for item, mrn in ((overdue, "MRN0001"), (second, "MRN0002")):
        assert f'action="{reverse("follow-up-complete", args=[item.pk])}"' in page
        assert f'<label for="fu-{item.pk}-complete-outcome"' in " ".join(page.split())
        assert f"Why is it no longer needed? (MRN {mrn})" in page
    assert "\ue000" not in page
