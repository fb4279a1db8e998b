"""Signing a decision from its page, amending a signed decision, and the urgent decision page."""

import pytest
from django.urls import reverse

from cases.choices import CaseStatus
from live.models import Trial, TrialConsideration
from live.trials import consideration_record
from mdt.models import Decision, Member, SignOff
from tests.factories import CaseFactory, no_role_user, read_only_user
from tests.live.makers import error_beside, trial_answer_shown
from tests.mdt.decision_pages.helpers import RATIONALE, form_data, html, named

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- sign-off on the decision page


def detail(decision) -> str:
    return reverse("decision-detail", args=[decision.pk])


def sign(decision) -> str:
    return reverse("decision-sign", args=[decision.pk])


def test_it_lets_a_named_clinician_sign_from_the_decision_page(client, recorded, oncologist, surgeon):
    client.force_login(oncologist)

    text = html(client.get(detail(recorded)))
    assert "Awaiting sign-off" in text and RATIONALE in text
    assert ">I agree</button>" in text and ">I dissent</button>" in text

    response = client.post(sign(recorded), {"response": "agree", "reason": ""}, follow=True)

    assert "Signed: agrees." in html(response)
    assert ">I agree</button>" not in html(response)
    assert SignOff.objects.get(member=oncologist.member).response == SignOff.Response.AGREE

    client.force_login(surgeon)
    client.post(sign(recorded), {"response": "agree", "reason": ""})

    text = html(client.get(detail(recorded)))
    assert "Signed off (locked)" in text and ">Amend</a>" in text and ">Edit</a>" not in text


def test_it_refuses_signing_twice_with_a_message(client, recorded, oncologist):
    client.force_login(oncologist)
    client.post(sign(recorded), {"response": "agree", "reason": ""})

    response = client.post(sign(recorded), {"response": "dissent", "reason": "Changed my mind"}, follow=True)

    assert "You already signed this decision (agrees)." in html(response)
    assert SignOff.objects.get(member=oncologist.member).response == SignOff.Response.AGREE


def test_it_refuses_a_dissent_without_a_reason_with_a_message(client, recorded, surgeon):
    client.force_login(surgeon)

    response = client.post(sign(recorded), {"response": "dissent", "reason": ""}, follow=True)

    assert "Give the reason for your dissent." in html(response)
    assert SignOff.objects.get(member=surgeon.member).response == SignOff.Response.PENDING

    client.post(sign(recorded), {"response": "dissent", "reason": "Stabilise first"})
    signoff = SignOff.objects.get(member=surgeon.member)
    assert (signoff.response, signoff.reason) == (SignOff.Response.DISSENT, "Stabilise first")


def test_it_refuses_a_signature_from_a_coordinator_or_an_unnamed_clinician(client, recorded, coordinator):
    radiologist = named("radiologist", Member.Role.RADIOLOGIST, "Rhian", "Morgan")
    for user in (coordinator, radiologist):
        client.force_login(user)
        assert ">I agree</button>" not in html(client.get(detail(recorded)))
        assert client.post(sign(recorded), {"response": "agree", "reason": ""}).status_code == 403
    assert set(SignOff.objects.values_list("response", flat=True)) == {SignOff.Response.PENDING}


def amend(decision) -> str:
    return reverse("decision-amend", args=[decision.pk])


@pytest.mark.parametrize("make", [read_only_user, no_role_user])
def test_it_refuses_the_amend_page_without_permission(client, locked, make, oncologist, surgeon):
    client.force_login(make())

    assert client.get(amend(locked)).status_code == 403
    data = {**form_data(oncologist, surgeon), "amendment_reason": "No"}
    assert client.post(amend(locked), data).status_code == 403
    assert Decision.objects.count() == 1


def test_it_refuses_an_amendment_without_a_reason(client, locked, oncologist, surgeon):
    client.force_login(oncologist)

    get = client.get(amend(locked))
    assert get.status_code == 200 and "Why is the decision being amended?" in html(get)
    assert get.context["form"]["rationale"].value() == RATIONALE  # starts from the signed text

    response = client.post(amend(locked), {**form_data(oncologist, surgeon), "amendment_reason": "  "})

    assert response.status_code == 200
    assert "Say why the decision is being amended." in html(response)
    assert Decision.objects.count() == 1
    locked.refresh_from_db()
    assert locked.status == Decision.Status.SIGNED


def test_it_keeps_the_amended_original_under_earlier_versions(client, locked, oncologist, surgeon):
    client.force_login(oncologist)
    data = {**form_data(oncologist, surgeon, rationale="SBRT after all."), "amendment_reason": "Oligometastatic"}

    response = client.post(amend(locked), data)

    amendment = Decision.objects.get(amends=locked)
    assert response.status_code == 302 and response["Location"] == detail(amendment)
    text = html(client.get(response["Location"]))
    assert "Awaiting sign-off" in text and "SBRT after all." in text
    assert "Earlier versions" in text and RATIONALE in text and "because: Oligometastatic" in text
    assert ">I agree</button>" in text  # named again: signs again
    old = html(client.get(detail(locked)))
    assert "Superseded by an amendment" in old and "see the amendment" in old


def test_the_amendment_asks_the_trial_question_from_the_original_answer_and_saves_it_with_the_amendment(
    client, locked, oncologist, surgeon
):
    trial = Trial.objects.create(name="SPINE-RT")
    consideration_record(decision_id=locked.pk, user=oncologist, considered=True, trial_id=trial.pk)
    client.force_login(oncologist)

    page = html(client.get(amend(locked)))
    assert "Trial considered?" in page
    assert trial_answer_shown(page) == "yes" and f'<option value="{trial.pk}" selected>' in page

    base = {**form_data(oncologist, surgeon), "amendment_reason": "Oligometastatic", "trial_why_not": ""}
    refused = client.post(amend(locked), {**base, "trial_considered": "no"})
    assert refused.status_code == 200 and "Say why no trial was considered." in html(refused)
    assert error_beside(html(refused), "trial_why_not") == "Say why no trial was considered."  # beside it
    assert trial_answer_shown(html(refused)) == "no"  # what was typed is shown again
    assert Decision.objects.count() == 1 and TrialConsideration.objects.count() == 1  # neither saved
    locked.refresh_from_db()
    assert locked.status == Decision.Status.SIGNED

    saved = client.post(amend(locked), {**base, "trial_considered": "no", "trial_why_not": "Too frail now"})
    amendment = Decision.objects.get(amends=locked)
    assert saved.status_code == 302
    row = TrialConsideration.objects.get(decision=amendment)
    assert (row.considered, row.trial, row.why_not, row.recorded_by) == (False, None, "Too frail now", oncologist)


# --------------------------------------------------------------------------- urgent decisions


def test_the_urgent_decision_asks_the_trial_question_and_saves_it_in_the_decisions_transaction(
    client, oncologist, surgeon
):
    trial = Trial.objects.create(name="SPINE-RT")
    closed = Trial.objects.create(name="CLOSED-1", open=False)
    case = CaseFactory(status=CaseStatus.IMAGING)
    url = reverse("urgent-decision-new", args=[case.pk])
    client.force_login(oncologist)
    assert "Trial considered?" in html(client.get(url))

    refused = client.post(url, {**form_data(oncologist, surgeon), "trial_considered": "yes", "trial": closed.pk})
    assert refused.status_code == 200 and "CLOSED-1 is not recruiting." in html(refused)
    assert not Decision.objects.exists() and not TrialConsideration.objects.exists()  # neither saved

    saved = client.post(url, {**form_data(oncologist, surgeon), "trial_considered": "yes", "trial": trial.pk})
    decision = Decision.objects.get()
    assert saved.status_code == 302 and decision.urgent
    row = TrialConsideration.objects.get()
    assert (row.decision, row.considered, row.trial, row.recorded_by) == (decision, True, trial, oncologist)


def test_it_lets_an_oncologist_open_and_save_the_urgent_decision_page(client, oncologist, surgeon):
    case = CaseFactory(status=CaseStatus.IMAGING)
    url = reverse("urgent-decision-new", args=[case.pk])
    client.force_login(oncologist)

    assert client.get(url).status_code == 200
    response = client.post(url, form_data(oncologist, surgeon))

    decision = Decision.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(decision)
    assert decision.urgent and decision.agenda_item is None and decision.recorded_by == oncologist


def test_it_refuses_the_urgent_decision_page_to_a_radiologist(client, oncologist, surgeon):
    case = CaseFactory()
    client.force_login(named("radiologist", Member.Role.RADIOLOGIST, "Rhian", "Morgan"))

    assert client.get(reverse("urgent-decision-new", args=[case.pk])).status_code == 403
    assert (
        client.post(reverse("urgent-decision-new", args=[case.pk]), form_data(oncologist, surgeon)).status_code == 403
    )
    assert not Decision.objects.exists()
