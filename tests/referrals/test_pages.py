"""The pages of the front door render for the people who use them, and the letters are PDFs."""

import pytest
from django.urls import reverse

from referrals.completeness import STEP_KEYS
from referrals.services import triage
from referrals.services.accept import referral_accept
from tests.mdt.decision_pages.helpers import pdf_text
from tests.referrals import makers

pytestmark = pytest.mark.django_db


def test_every_step_of_the_form_and_the_check_render_for_a_referrer(client, referrer):
    client.force_login(referrer)
    referral = makers.draft(referrer)

    for step in STEP_KEYS:
        response = client.get(reverse("refer:step", args=[referral.pk, step]))
        assert response.status_code == 200, step
        assert 'aria-current="step"' in response.content.decode()
    assert client.get(reverse("refer:check", args=[referral.pk])).status_code == 200


def test_the_service_sees_the_referral_with_its_clocks_and_the_referrer_reads_the_advice_letter(client, referrer, mscc):
    referral = makers.advised(makers.submitted(referrer), by=mscc)
    client.force_login(mscc)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "First advice to the referrer within 2 hours" in page and "Met" in page
    assert client.get(reverse("referrals:advice", args=[referral.pk])).status_code == 200

    client.force_login(referrer)
    page = client.get(reverse("refer:detail", args=[referral.pk])).content.decode()
    letter = client.get(reverse("refer:advice-pdf", args=[referral.pk]))

    assert "Keep flat, log roll" in page
    assert letter["Content-Type"] == "application/pdf" and letter.content.startswith(b"%PDF")


def test_the_referrer_and_the_service_write_on_one_thread(client, referrer, mscc):
    referral = makers.submitted(referrer)
    client.force_login(referrer)
    client.post(reverse("refer:message", args=[referral.pk]), {"body": "MRI images now sent."})
    client.force_login(mscc)
    client.post(reverse("referrals:message", args=[referral.pk]), {"body": "Thank you, reviewing."})

    assert list(referral.messages.values_list("body", "from_service")) == [
        ("MRI images now sent.", False),
        ("Thank you, reviewing.", True),
    ]
    assert referral.messages.first().history.count() == 1  # audited


def test_an_empty_message_is_refused_with_a_message_and_nothing_saved(client, referrer):
    referral = makers.submitted(referrer)
    client.force_login(referrer)

    response = client.post(reverse("refer:message", args=[referral.pk]), {"body": "  "}, follow=True)

    assert "Message:" in response.content.decode()
    assert not referral.messages.exists()


def test_the_case_page_shows_the_referral_it_came_from(client, referrer, mscc):
    referral = makers.advised(makers.submitted(referrer), by=mscc)
    case = referral_accept(referral_id=referral.pk, user=mscc, mrn="SPN0100")
    client.force_login(mscc)

    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()

    assert referral.reference in page and "Riverside General Hospital" in page


@pytest.mark.slow
@pytest.mark.hazard("HAZ-008")
def test_the_advice_letter_prints_earlier_advice_whole(client, referrer, mscc):
    """An amended letter lists the earlier advice in full: a caveat at its end is never cut off."""
    referral = makers.advised(makers.submitted(referrer), by=mscc)
    first = referral.advice.get()
    long_advice = " ".join(["Keep flat and log roll while the images are reviewed."] * 8)
    long_advice += " Call back at once if the bladder changes."
    type(first).objects.filter(pk=first.pk).update(advice=long_advice)  # 80 words, as typed
    triage.advice_give(
        referral_id=referral.pk,
        user=mscc,
        fields={
            "outcome": "list_for_mdt",
            "advice": "Transfer for surgical opinion.",
            "precautions": "flat_log_roll",
            "stability_cleared_by": "",
            "stability_cleared_at": None,
            "steroid_advice": "",
        },
        amends_id=first.pk,
        reason="The images show instability.",
    )
    client.force_login(referrer)

    text = pdf_text(client.get(reverse("refer:advice-pdf", args=[referral.pk])))

    assert "Call back at once if the bladder changes." in text
    assert text.count("Keep flat and log roll while the images are reviewed.") == 8
