"""A signer who left the team before signing is replaced by another clinician, on the decision page or through
the service: the leaver's row is kept and says who was named instead; the rules of who signs still hold; the
clinician named signs and the decision is signed off (HAZ-175)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from mdt.models import Decision, Member, SignOff
from mdt.services.decisions import signoff_respond
from mdt.services.signoffs import signoff_replace
from tests.factories import read_only_user
from tests.mdt.decision_pages.helpers import html, named, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.hazard("HAZ-175")]


def detail(decision) -> str:
    return reverse("decision-detail", args=[decision.pk])


def replace_url(decision, signoff) -> str:
    return reverse("decision-replace-signer", args=[decision.pk, signoff.pk])


@pytest.fixture
def left(recorded, surgeon):
    """The surgeon named on the decision leaves the team before signing; their sign-off row."""
    Member.objects.filter(user=surgeon).update(active=False)
    return SignOff.objects.get(decision=recorded, member__user=surgeon)


@pytest.fixture
def deputy():
    return named("deputy", Member.Role.SPINAL_SURGEON, "Bethan", "Morgan")


def replace(decision, leaver, member, user, version=None):
    return signoff_replace(
        decision_id=decision.pk,
        signoff_id=leaver.pk,
        member_id=member.member.pk if member else None,
        user=user,
        loaded_version=decision.version if version is None else version,
    )


def test_the_leaver_is_kept_as_replaced_and_the_clinician_named_signs_the_decision_off(
    recorded, left, deputy, oncologist, coordinator
):
    named_row = replace(recorded, left, deputy, coordinator)

    left.refresh_from_db()
    assert left.response == SignOff.Response.REPLACED and left.responded_at is not None
    assert left.reason == "Left the team; Bethan Morgan named to sign instead by Carys Hughes."
    assert left.history.latest().history_user == coordinator
    assert (named_row.member, named_row.response) == (deputy.member, SignOff.Response.PENDING)
    assert Decision.objects.get(pk=recorded.pk).version == recorded.version + 1

    signoff_respond(decision_id=recorded.pk, user=oncologist, agree=True)
    assert Decision.objects.get(pk=recorded.pk).status == Decision.Status.AWAITING_SIGNOFF  # the deputy still signs
    signoff_respond(decision_id=recorded.pk, user=deputy, agree=True)
    assert Decision.objects.get(pk=recorded.pk).status == Decision.Status.SIGNED


def test_a_signer_still_in_the_team_is_not_replaced(recorded, deputy, coordinator, surgeon):
    present = SignOff.objects.get(decision=recorded, member__user=surgeon)
    with pytest.raises(ValidationError, match="still in the team"):
        replace(recorded, present, deputy, coordinator)
    assert SignOff.objects.get(pk=present.pk).response == SignOff.Response.PENDING


@pytest.mark.parametrize(
    ("who", "message"),
    [
        (lambda onc, coord: None, "Choose the clinician who signs instead."),
        (lambda onc, coord: coord, "Only an active oncologist, spinal surgeon or radiologist signs"),
        (lambda onc, coord: onc, "is already named on this decision"),
        (
            lambda onc, coord: named("onc2", Member.Role.ONCOLOGIST, "Ifan", "Lloyd"),
            "A treatment decision needs an oncologist and a spinal surgeon among those who sign.",
        ),
    ],
)
def test_the_clinician_named_must_be_one_who_may_sign_in_that_place(
    recorded, left, oncologist, coordinator, who, message
):
    with pytest.raises(ValidationError) as refused:
        replace(recorded, left, who(oncologist, coordinator), coordinator)
    assert message in " ".join(refused.value.message_dict["member"])
    assert SignOff.objects.get(pk=left.pk).response == SignOff.Response.PENDING
    assert SignOff.objects.filter(decision=recorded).count() == 2


def test_a_stale_page_and_a_decision_no_longer_waiting_are_refused(recorded, left, deputy, coordinator, oncologist):
    with pytest.raises(ValidationError, match="changed since you opened it"):
        replace(recorded, left, deputy, coordinator, version=recorded.version - 1)
    Decision.objects.filter(pk=recorded.pk).update(status=Decision.Status.SUPERSEDED)
    recorded.refresh_from_db()
    with pytest.raises(ValidationError, match="no longer waiting for sign-off"):
        replace(recorded, left, deputy, coordinator)


def test_only_those_who_record_decisions_name_another_signer(recorded, left, deputy):
    with pytest.raises(PermissionDenied):
        replace(recorded, left, deputy, read_only_user("auditor_replace"))


def test_the_decision_page_says_who_left_and_names_another_signer(client, recorded, left, deputy, coordinator):
    client.force_login(coordinator)
    page = html(client.get(detail(recorded)))
    assert "Named to sign, but left the team" in page and "Steffan Rees (Spinal surgeon) left the team" in page
    assert "Not yet signed (left the team)" in page
    assert f'<option value="{deputy.member.pk}">Bethan Morgan (Spinal surgeon)</option>' in page
    assert "Steffan Rees (Spinal surgeon)</option>" not in page  # neither the leaver nor anyone named is offered

    response = client.post(
        replace_url(recorded, left),
        {f"signer-{left.pk}-member": deputy.member.pk, f"signer-{left.pk}-loaded_version": recorded.version},
        follow=True,
    )

    shown = html(response)
    assert f"Bethan Morgan named to sign instead. MRN {recorded.case.patient.mrn}." in shown
    assert "Left the team before signing" in shown and "Bethan Morgan named to sign instead by Carys Hughes" in shown
    assert "Named to sign, but left the team" not in shown
    assert SignOff.objects.get(decision=recorded, member=deputy.member).response == SignOff.Response.PENDING


def test_a_refusal_on_the_page_names_the_field_and_saves_nothing(client, recorded, left, oncologist, coordinator):
    client.force_login(coordinator)
    response = client.post(
        replace_url(recorded, left),
        {f"signer-{left.pk}-member": oncologist.member.pk, f"signer-{left.pk}-loaded_version": recorded.version},
        follow=True,
    )
    assert "Name instead: Olwen Pryce (Oncologist) is already named on this decision." in html(response)
    stale = client.post(
        replace_url(recorded, left),
        {f"signer-{left.pk}-member": oncologist.member.pk, f"signer-{left.pk}-loaded_version": "x"},
        follow=True,
    )
    assert "Enter a whole number" in html(stale)
    assert SignOff.objects.get(pk=left.pk).response == SignOff.Response.PENDING


def test_a_reader_sees_who_left_without_the_form(client, recorded, left):
    client.force_login(read_only_user("auditor_page"))
    page = html(client.get(detail(recorded)))
    assert "Steffan Rees (Spinal surgeon) left the team" in page and "by a member of the MDT who records" in page
    assert replace_url(recorded, left) not in page


def test_the_letter_lists_only_the_clinicians_who_sign(client, recorded, left, deputy, oncologist, coordinator):
    replace(recorded, left, deputy, coordinator)
    client.force_login(oncologist)
    text = pdf_text(client.get(reverse("decision-letter", args=[recorded.pk])))
    signatures = text[text.index("Yours sincerely,") :]
    assert "Bethan Morgan Spinal surgeon Not yet signed" in signatures and "Steffan Rees" not in signatures
    assert "Steffan Rees (Spinal surgeon): Left the team before signing" in text  # the record keeps him
