"""The guided form: drafts saved at every step, validation named by field, the completeness check, submitting once."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from referrals.choices import Status, YesNoUnknown
from referrals.completeness import GAP_LABELS, STEP_KEYS, gaps
from referrals.models import Referral
from referrals.services import drafts
from tests.referrals import makers

pytestmark = pytest.mark.django_db


def post_step(client, referral, step, data, button="next"):
    return client.post(
        reverse("refer:step", args=[referral.pk, step]),
        {**data, "loaded_version": Referral.objects.get(pk=referral.pk).version, button: "1"},
    )


def test_a_referrer_fills_the_steps_and_each_is_saved_as_they_go(client, referrer):
    client.force_login(referrer)
    response = client.post(reverse("refer:new"))
    referral = Referral.objects.get()
    assert response["Location"] == reverse("refer:step", args=[referral.pk, STEP_KEYS[0]])
    assert (referral.organisation, referral.referrer, referral.referrer_phone) == (
        referrer.referrer.organisation,
        referrer,
        "01632 960 001",
    )

    response = post_step(
        client,
        referral,
        "patient",
        {"nhs_number": "943 476 5919", "given_name": "Megan", "family_name": "Thomas", "date_of_birth": "1958-03-14"},
    )

    assert response["Location"] == reverse("refer:step", args=[referral.pk, "cancer"])
    referral.refresh_from_db()
    assert (referral.nhs_number, referral.family_name, referral.status) == ("9434765919", "Thomas", Status.DRAFT)


@pytest.mark.hazard("HAZ-039")
def test_a_bad_nhs_number_is_refused_at_its_step_naming_the_rule_and_nothing_is_saved(client, referrer):
    client.force_login(referrer)
    referral = drafts.referral_start(user=referrer)

    response = post_step(client, referral, "patient", {"nhs_number": "943 476 5918", "family_name": "Thomas"})

    assert response.status_code == 200
    assert "check digit is wrong" in response.context["form"].errors["nhs_number"][0]
    referral.refresh_from_db()
    assert (referral.nhs_number, referral.family_name) == (None, "")


def test_an_answer_that_contradicts_another_step_is_named_not_a_crash(client, referrer):
    """Referral.clean looks across steps: the error appears on the step being saved, naming the other field."""
    client.force_login(referrer)
    referral = makers.draft(referrer, mri_at=timezone.now() - dt.timedelta(days=3))
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    response = post_step(
        client,
        referral,
        "patient",
        {"given_name": "Megan", "family_name": "Thomas", "date_of_birth": yesterday.isoformat()},
        button="save",
    )

    assert response.status_code == 200
    assert any(
        "MRI done on: The MRI cannot be before the date of birth" in e
        for e in response.context["form"].non_field_errors()
    )


@pytest.mark.hazard("HAZ-040")
def test_a_draft_survives_the_session_expiring(client, referrer, settings):
    """Every step is saved on the server: signing in again finds the draft with what was typed."""
    settings.SESSION_IDLE_SECONDS = 60
    client.force_login(referrer)
    referral = drafts.referral_start(user=referrer)
    post_step(client, referral, "patient", {"family_name": "Thomas", "given_name": "Megan"}, button="save")
    client.logout()  # the session is gone

    client.force_login(referrer)
    response = client.get(reverse("refer:home"))

    assert f"Draft {referral.pk}" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).family_name == "Thomas"


def test_the_check_names_what_the_mdt_will_lack_and_refuses_to_submit_until_told_to(client, referrer):
    client.force_login(referrer)
    referral = makers.draft(referrer, dexamethasone_first_dose_at=None, previous_spinal_rt=YesNoUnknown.YES)

    page = client.get(reverse("refer:check", args=[referral.pk])).content.decode()
    assert "No time of the first dexamethasone dose" in page
    assert "No level for the previous radiotherapy" in page

    refused = client.post(reverse("refer:check", args=[referral.pk]), {})
    assert refused.status_code == 200
    assert Referral.objects.get(pk=referral.pk).status == Status.DRAFT

    client.post(reverse("refer:check", args=[referral.pk]), {"accept_gaps": "on"})
    referral.refresh_from_db()
    assert referral.status == Status.NEW
    assert referral.gaps_at_submission == ["previous_rt_level", "previous_rt_dose", "steroid_time"]


def test_a_referral_without_the_patients_name_or_a_phone_number_cannot_be_submitted(referrer):
    referral = makers.draft(referrer, family_name="", referrer_phone="")

    with pytest.raises(ValidationError) as caught:
        drafts.referral_submit(referral_id=referral.pk, user=referrer, accept_gaps=True)

    assert set(caught.value.message_dict) == {"family_name", "referrer_phone"}
    assert Referral.objects.get(pk=referral.pk).status == Status.DRAFT


@pytest.mark.hazard("HAZ-040")
def test_submitting_twice_makes_one_referral_with_one_reference(client, referrer):
    """A double click, two tabs or a retried request: one referral, the same reference."""
    client.force_login(referrer)
    referral = makers.draft(referrer)

    client.post(reverse("refer:check", args=[referral.pk]), {"accept_gaps": "on"})
    client.post(reverse("refer:check", args=[referral.pk]), {"accept_gaps": "on"})
    again = drafts.referral_submit(referral_id=referral.pk, user=referrer, accept_gaps=True)

    referral.refresh_from_db()
    assert Referral.objects.count() == 1
    assert again.reference == referral.reference == f"MSCC-{timezone.localdate():%Y}-{referral.pk:05d}"
    assert referral.history.filter(status=Status.NEW).count() == 1


def test_a_submitted_referral_cannot_be_edited_through_the_form(client, referrer):
    client.force_login(referrer)
    referral = makers.submitted(referrer)

    response = post_step(client, referral, "patient", {"family_name": "Changed"})

    assert response.status_code == 302 and response["Location"] == reverse("refer:detail", args=[referral.pk])
    assert Referral.objects.get(pk=referral.pk).family_name == "Thomas"
    with pytest.raises(ValidationError, match="was submitted"):
        referral.family_name = "Changed"
        drafts.referral_save(referral=referral, user=referrer)


def test_a_coordinator_takes_a_referral_by_phone_for_the_organisation_named(client, coordinator, org):
    client.force_login(coordinator)

    client.post(reverse("refer:new"), {"organisation": org.pk})

    referral = Referral.objects.get()
    assert (referral.organisation, referral.by_phone, referral.referrer, referral.entered_by) == (
        org,
        True,
        None,
        coordinator,
    )


answers = st.sampled_from(["", *YesNoUnknown.values])


@settings(max_examples=60, deadline=None)
@given(rt=answers, dex=answers, mri=answers, sent=answers, question=st.sampled_from(["", "Surgery?"]))
def test_every_gap_is_a_known_item_and_a_complete_answer_leaves_none(rt, dex, mri, sent, question):
    referral = Referral(
        previous_spinal_rt=rt, dexamethasone_given=dex, mri_done=mri, images_sent=sent, question=question
    )

    found = gaps(referral)

    assert {gap.key for gap in found} <= set(GAP_LABELS)
    assert all(gap.step in STEP_KEYS for gap in found)
    assert ("steroid_time" in {g.key for g in found}) == (dex == YesNoUnknown.YES)
    assert ("question" in {g.key for g in found}) == (question == "")
