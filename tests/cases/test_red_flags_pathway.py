"""Neurological red flags always mean the suspected-MSCC pathway and its 24-hour MRI clock (HAZ-017).

docs/clinical-reference.md §7.2: limb weakness, sensory loss or bladder/bowel dysfunction (any item of the
second table) maps to suspected MSCC with neurology: whole-spine MRI within 24 hours (§7.1 T3).
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from simple_history.utils import bulk_create_with_history

from cases.choices import NEURO_RED_FLAG_KEYS, RED_FLAG_LABELS, Presentation
from cases.clocks import case_clocks
from cases.models import Case
from tests.factories import CaseFactory, PatientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.hazard("HAZ-017")]

NEURO = ["limb_weakness", "sensory_loss", "bladder_bowel_dysfunction"]
NOT_MSCC = [Presentation.SUSPECTED_METASTASES, Presentation.KNOWN_DISEASE_REVIEW]


@pytest.mark.parametrize("flag", NEURO)
@pytest.mark.parametrize("presentation", NOT_MSCC)
def test_a_case_with_a_neurological_flag_on_another_pathway_is_refused_telling_the_coordinator_what_to_choose(
    flag, presentation
):
    case = Case(patient=PatientFactory(), presentation=presentation, red_flags=["nocturnal_pain", flag])

    with pytest.raises(ValidationError) as error:
        case.full_clean()

    [message] = error.value.message_dict["presentation"]
    assert message.startswith("Neurological red flags are recorded (")
    assert message.endswith("Choose 'Suspected MSCC with neurology' so the 24-hour whole-spine MRI clock runs.")


@pytest.mark.parametrize("flag", NEURO)
def test_suspected_mscc_with_a_neurological_flag_is_accepted(flag):
    Case(patient=PatientFactory(), presentation=Presentation.SUSPECTED_MSCC, red_flags=[flag]).full_clean()


@pytest.mark.parametrize("presentation", NOT_MSCC)
def test_a_record_read_with_a_flag_on_another_pathway_still_gets_the_24_hour_mri_clock(presentation):
    """Defence in depth behind the database's refusal below: the clocks read the flags, not only the pathway."""
    started = dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC)
    case = CaseFactory(
        presentation=Presentation.SUSPECTED_MSCC, red_flags=["limb_weakness"], suspected_diagnosis_at=started
    )
    case = Case.objects.select_related("patient").get(pk=case.pk)
    case.presentation = presentation  # as a record would be read had it been written around every check

    clocks = case_clocks(case, started + dt.timedelta(hours=1))

    assert [clock.target.key for clock in clocks] == ["mri_whole_spine_24h"]
    assert clocks[0].due_at == started + dt.timedelta(hours=24)


def keeps_the_rule(presentation: str, flags: list[str]) -> bool:
    return presentation == Presentation.SUSPECTED_MSCC or not set(flags) & NEURO_RED_FLAG_KEYS


@pytest.mark.hazard("HAZ-013")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    presentation=st.sampled_from(Presentation.values),
    flags=st.lists(st.sampled_from(sorted(RED_FLAG_LABELS)), unique=True, max_size=5),
    path=st.sampled_from(["update", "bulk insert", "save without validation"]),
)
def test_the_database_refuses_a_neurological_flag_on_another_pathway_whatever_path_writes_it(presentation, flags, path):
    """Writes that run no validation (a queryset update, a bulk insert as the seeding and feeds do, a save
    with no full_clean) meet the same rule in the database: stored when it holds, refused when it does not."""
    case = CaseFactory(presentation=Presentation.SUSPECTED_MSCC, red_flags=[])
    try:
        with transaction.atomic():
            if path == "update":
                Case.objects.filter(pk=case.pk).update(presentation=presentation, red_flags=flags)
            elif path == "bulk insert":
                bulk_create_with_history([Case(patient=case.patient, presentation=presentation, red_flags=flags)], Case)
            else:
                case.presentation, case.red_flags = presentation, flags
                case.save()
        stored = True
    except IntegrityError:
        stored = False

    assert stored == keeps_the_rule(presentation, flags)


@pytest.mark.parametrize("flag", sorted(NEURO_RED_FLAG_KEYS))
def test_the_database_knows_every_neurological_flag(flag):
    """A key added to NeuroRedFlag needs the database's rule to learn it (a migration like cases 0036)."""
    case = CaseFactory(presentation=Presentation.SUSPECTED_METASTASES, red_flags=["nocturnal_pain"])

    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(red_flags=["nocturnal_pain", flag])
