"""Revising an unsigned decision, stale saves, and amending a signed one."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mdt.models import Decision, SignOff
from mdt.services.decisions import (
    decision_amend,
    decision_record,
    signoff_respond,
)
from tests.factories import read_only_user
from tests.mdt.decision_services.helpers import decision_input, messages_of, signed

pytestmark = pytest.mark.django_db


def test_it_revises_an_unsigned_decision_and_asks_everyone_to_sign_again(decision, item, oncologist, surgeon):
    signoff_respond(decision_id=decision.pk, user=oncologist, agree=True)
    decision.refresh_from_db()

    revised = decision_record(
        item_id=item.pk,
        user=surgeon,
        data=decision_input(oncologist, surgeon, rationale="Revised after the images were shown."),
        loaded_version=decision.version,
    )

    assert revised.pk == decision.pk and Decision.objects.count() == 1
    assert revised.rationale == "Revised after the images were shown." and revised.version == decision.version + 1
    assert set(SignOff.objects.values_list("response", flat=True)) == {SignOff.Response.PENDING}


@pytest.mark.hazard("HAZ-002")
def test_it_refuses_a_save_from_a_page_opened_before_someone_else_saved(decision, item, oncologist, surgeon):
    opened = decision.version
    decision_record(
        item_id=item.pk,
        user=surgeon,
        data=decision_input(oncologist, surgeon, rationale="First"),
        loaded_version=opened,
    )

    with pytest.raises(ValidationError) as exc:
        decision_record(
            item_id=item.pk,
            user=oncologist,
            data=decision_input(oncologist, surgeon, rationale="Second"),
            loaded_version=opened,
        )

    assert "Someone else saved this decision after you opened it" in exc.value.messages[0]
    assert Decision.objects.get().rationale == "First"


def test_it_refuses_editing_a_signed_decision_without_amending(decision, item, oncologist, surgeon):
    decision = signed(decision, oncologist, surgeon)

    with pytest.raises(ValidationError) as exc:
        decision_record(
            item_id=item.pk,
            user=oncologist,
            data=decision_input(oncologist, surgeon, rationale="Quietly changed"),
            loaded_version=decision.version,
        )

    assert exc.value.messages == ["This decision is signed off and locked: amend it, giving a reason."]
    decision.refresh_from_db()
    assert decision.rationale == "Radiosensitive primary, stable spine." and decision.status == Decision.Status.SIGNED
    assert Decision.objects.count() == 1


@pytest.mark.hazard("HAZ-005")
def test_it_keeps_the_original_of_an_amendment_and_names_the_signers_again(decision, oncologist, surgeon, radiologist):
    original = signed(decision, oncologist, surgeon)

    amendment = decision_amend(
        decision_id=original.pk,
        user=oncologist,
        data=decision_input(oncologist, surgeon, radiologist, treatments=("sbrt_srs",), rationale="SBRT instead."),
        reason="Oligometastatic on the staging CT.",
    )

    original.refresh_from_db()
    assert original.status == Decision.Status.SUPERSEDED
    assert original.treatments == ["cebrt"] and original.rationale == "Radiosensitive primary, stable spine."
    assert original.amended_by == amendment
    assert amendment.amends == original and amendment.amendment_reason == "Oligometastatic on the staging CT."
    assert amendment.recorded_by == oncologist and amendment.decided_at >= original.decided_at
    assert amendment.agenda_item_id == original.agenda_item_id and amendment.case_id == original.case_id
    assert amendment.status == Decision.Status.AWAITING_SIGNOFF and amendment.treatments == ["sbrt_srs"]
    assert {(s.member.user, s.response) for s in amendment.signoffs.all()} == {
        (oncologist, SignOff.Response.PENDING),
        (surgeon, SignOff.Response.PENDING),
        (radiologist, SignOff.Response.PENDING),
    }
    assert set(original.signoffs.values_list("response", flat=True)) == {SignOff.Response.AGREE}  # kept as signed
    assert list(Decision.objects.filter(case=original.case).current()) == [amendment]


def test_it_needs_a_reason_for_an_amendment(decision, oncologist, surgeon):
    original = signed(decision, oncologist, surgeon)

    with pytest.raises(ValidationError) as exc:
        decision_amend(decision_id=original.pk, user=oncologist, data=decision_input(oncologist, surgeon), reason=" ")

    assert messages_of(exc) == {"amendment_reason": ["Say why the decision is being amended."]}
    original.refresh_from_db()
    assert original.status == Decision.Status.SIGNED and Decision.objects.count() == 1


def test_it_refuses_amending_a_decision_nobody_has_signed(decision, oncologist, surgeon):
    with pytest.raises(ValidationError) as exc:
        decision_amend(
            decision_id=decision.pk, user=oncologist, data=decision_input(oncologist, surgeon), reason="Typo"
        )

    assert exc.value.messages == ["Nobody has signed this decision yet: edit it instead of amending it."]
    assert Decision.objects.count() == 1


def test_it_refuses_amending_a_version_already_amended_and_signing_it(decision, oncologist, surgeon):
    original = signed(decision, oncologist, surgeon)
    decision_amend(decision_id=original.pk, user=oncologist, data=decision_input(oncologist, surgeon), reason="One")

    with pytest.raises(ValidationError):
        decision_amend(decision_id=original.pk, user=oncologist, data=decision_input(oncologist, surgeon), reason="2")
    assert Decision.objects.count() == 2


def test_it_needs_an_oncologist_and_a_surgeon_on_an_amendment_too(decision, oncologist, surgeon):
    original = signed(decision, oncologist, surgeon)

    with pytest.raises(ValidationError) as exc:
        decision_amend(decision_id=original.pk, user=oncologist, data=decision_input(oncologist), reason="Change")

    assert "responsible" in messages_of(exc)
    original.refresh_from_db()
    assert original.status == Decision.Status.SIGNED and Decision.objects.count() == 1


def test_it_refuses_an_amendment_by_a_read_only_user(decision, oncologist, surgeon):
    original = signed(decision, oncologist, surgeon)

    with pytest.raises(PermissionDenied):
        decision_amend(
            decision_id=original.pk, user=read_only_user(), data=decision_input(oncologist, surgeon), reason="No"
        )
