"""Recording a decision: the treatment, the rationale, who must be named and who may record."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.choices import TreatmentModality
from mdt.models import AgendaItem, Decision, Member, SignOff
from mdt.services.decisions import (
    decision_record,
)
from tests.factories import read_only_user, team_user
from tests.mdt.decision_services.helpers import decision_input, messages_of

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- recording: treatments


def test_it_records_a_treatment_decision_awaiting_the_sign_off_of_each_named_clinician(item, oncologist, surgeon):
    decision = decision_record(item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon))

    decision.refresh_from_db()
    assert decision.status == Decision.Status.AWAITING_SIGNOFF and not decision.locked
    assert decision.treatments == ["cebrt"] and decision.treatment_labels == ["Conventional radiotherapy (cEBRT)"]
    assert decision.intent == "palliative" and decision.patient_preferences_considered
    assert decision.case == item.case and decision.recorded_by == oncologist and not decision.urgent
    assert {(s.member.user, s.response) for s in decision.signoffs.all()} == {
        (oncologist, SignOff.Response.PENDING),
        (surgeon, SignOff.Response.PENDING),
    }
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.DISCUSSED


def test_it_refuses_a_decision_with_no_treatment_chosen_and_not_marked_no_treatment(item, oncologist, surgeon):
    with pytest.raises(ValidationError) as exc:
        decision_record(item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon, treatments=()))

    assert "Choose at least one treatment" in messages_of(exc)["treatments"][0]
    assert not Decision.objects.exists() and not SignOff.objects.exists()
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.LISTED


def test_it_refuses_treatments_chosen_on_a_decision_marked_no_treatment(item, oncologist, surgeon):
    data = decision_input(oncologist, surgeon, treatments=("cebrt",), no_treatment=True)

    with pytest.raises(ValidationError) as exc:
        decision_record(item_id=item.pk, user=oncologist, data=data)

    assert "no_treatment" in messages_of(exc)
    assert not Decision.objects.exists()


def test_it_refuses_an_unknown_treatment_and_a_blank_rationale(item, oncologist, surgeon):
    with pytest.raises(ValidationError) as exc:
        decision_record(
            item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon, treatments=("laser",))
        )
    assert "Unknown treatment: laser." in messages_of(exc)["treatments"]

    with pytest.raises(ValidationError) as exc:
        decision_record(item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon, rationale="  "))
    assert "rationale" in messages_of(exc)
    assert not Decision.objects.exists()


def test_it_records_no_active_treatment_named_by_one_clinician(item, radiologist):
    palliative = team_user("palliative", Member.Role.PALLIATIVE_CARE)  # records it; a radiologist signs

    decision = decision_record(
        item_id=item.pk, user=palliative, data=decision_input(radiologist, treatments=(), no_treatment=True)
    )

    assert decision.no_treatment and decision.treatments == [] and decision.recorded_by == palliative
    assert [s.member.user for s in decision.signoffs.all()] == [radiologist]
    assert decision.modality == TreatmentModality.SUPPORTIVE


# --------------------------------------------------------------------------- recording: responsible clinicians


@pytest.mark.parametrize(
    "roles",
    [
        [Member.Role.ONCOLOGIST],
        [Member.Role.SPINAL_SURGEON],
        [Member.Role.ONCOLOGIST, Member.Role.RADIOLOGIST],
        [Member.Role.SPINAL_SURGEON, Member.Role.PALLIATIVE_CARE],
    ],
)
@pytest.mark.hazard("HAZ-027")
def test_it_refuses_a_treatment_decision_without_an_oncologist_and_a_spinal_surgeon(item, roles):
    users = [team_user(f"clinician{n}", role) for n, role in enumerate(roles)]

    with pytest.raises(ValidationError) as exc:
        decision_record(item_id=item.pk, user=users[0], data=decision_input(*users))

    assert messages_of(exc)["responsible"] == [
        "A treatment decision needs an oncologist and a spinal surgeon among the responsible."
    ]
    assert not Decision.objects.exists() and not SignOff.objects.exists()


def test_it_refuses_a_decision_naming_nobody(item, oncologist):
    with pytest.raises(ValidationError) as exc:
        decision_record(item_id=item.pk, user=oncologist, data=decision_input(treatments=(), no_treatment=True))

    assert "Name the clinicians responsible" in messages_of(exc)["responsible"][0]
    assert not Decision.objects.exists()


def test_it_refuses_a_coordinator_among_the_responsible(item, oncologist, surgeon, coordinator):
    with pytest.raises(ValidationError) as exc:
        decision_record(item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon, coordinator))

    [message] = messages_of(exc)["responsible"]
    assert message.startswith("Only active clinicians sign decisions") and "MDT coordinator" in message
    assert not Decision.objects.exists() and not SignOff.objects.exists()


def test_it_refuses_an_inactive_member_among_the_responsible(item, oncologist, surgeon):
    retired = team_user("retired", Member.Role.SPINAL_SURGEON)
    retired.member.active = False
    retired.member.save()

    with pytest.raises(ValidationError) as exc:
        decision_record(item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon, retired))

    assert messages_of(exc)["responsible"][0].startswith("Only active clinicians sign decisions")
    assert not Decision.objects.exists()


def test_it_lets_only_members_of_the_mdt_record(item, oncologist, surgeon):
    with pytest.raises(PermissionDenied):
        decision_record(item_id=item.pk, user=read_only_user(), data=decision_input(oncologist, surgeon))

    assert not Decision.objects.exists()


def test_it_lets_a_coordinator_record_the_decision_the_clinicians_made(item, oncologist, surgeon, coordinator):
    decision = decision_record(item_id=item.pk, user=coordinator, data=decision_input(oncologist, surgeon))

    assert decision.recorded_by == coordinator
    assert {s.member.user for s in decision.signoffs.all()} == {oncologist, surgeon}
