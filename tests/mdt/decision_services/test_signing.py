"""Signing off a decision: agreeing, dissenting with a reason, and who may sign."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mdt.models import Decision, SignOff
from mdt.services.decisions import (
    signoff_respond,
)
from tests.factories import read_only_user
from tests.mdt.decision_services.helpers import messages_of

pytestmark = pytest.mark.django_db


@pytest.mark.hazard("HAZ-027")
def test_it_locks_the_decision_on_the_last_named_clinicians_response(decision, oncologist, surgeon):
    first = signoff_respond(decision_id=decision.pk, user=oncologist, agree=True)

    decision.refresh_from_db()
    assert first.response == SignOff.Response.AGREE and first.responded_at is not None
    assert decision.status == Decision.Status.AWAITING_SIGNOFF and not decision.locked

    signoff_respond(decision_id=decision.pk, user=surgeon, agree=True)

    decision.refresh_from_db()
    assert decision.status == Decision.Status.SIGNED and decision.locked
    assert decision.get_status_display() == "Signed off (locked)"


def test_it_needs_a_reason_for_a_dissent_and_keeps_it(decision, oncologist, surgeon):
    with pytest.raises(ValidationError) as exc:
        signoff_respond(decision_id=decision.pk, user=surgeon, agree=False, reason="   ")
    assert messages_of(exc) == {"reason": ["Give the reason for your dissent."]}
    assert SignOff.objects.get(member=surgeon.member).response == SignOff.Response.PENDING

    signoff_respond(decision_id=decision.pk, user=surgeon, agree=False, reason="Would stabilise first.")
    signoff_respond(decision_id=decision.pk, user=oncologist, agree=True)

    dissent = SignOff.objects.get(member=surgeon.member)
    assert (dissent.response, dissent.reason) == (SignOff.Response.DISSENT, "Would stabilise first.")
    decision.refresh_from_db()
    assert decision.status == Decision.Status.SIGNED  # every named clinician has responded


def test_it_refuses_signing_twice(decision, oncologist):
    signoff_respond(decision_id=decision.pk, user=oncologist, agree=True)

    with pytest.raises(ValidationError) as exc:
        signoff_respond(decision_id=decision.pk, user=oncologist, agree=False, reason="Changed my mind")

    assert exc.value.messages == ["You already signed this decision (agrees)."]
    signoff = SignOff.objects.get(member=oncologist.member)
    assert (signoff.response, signoff.reason) == (SignOff.Response.AGREE, "")


def test_it_lets_only_the_named_clinicians_sign(decision, coordinator, radiologist):
    for user in (coordinator, radiologist, read_only_user()):
        with pytest.raises(PermissionDenied):
            signoff_respond(decision_id=decision.pk, user=user, agree=True)

    assert set(SignOff.objects.values_list("response", flat=True)) == {SignOff.Response.PENDING}


def test_it_refuses_a_signature_from_a_named_clinician_who_has_left(decision, surgeon):
    surgeon.member.active = False
    surgeon.member.save()

    with pytest.raises(PermissionDenied):
        signoff_respond(decision_id=decision.pk, user=surgeon, agree=True)
