"""Neurological red flags always mean the suspected-MSCC pathway and its 24-hour MRI clock (HAZ-017).

docs/clinical-reference.md §7.2: limb weakness, sensory loss or bladder/bowel dysfunction (any item of the
second table) maps to suspected MSCC with neurology: whole-spine MRI within 24 hours (§7.1 T3).
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases.choices import Presentation
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
def test_a_record_that_bypassed_the_check_still_gets_the_24_hour_mri_clock(presentation):
    started = dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC)
    case = CaseFactory(presentation=presentation, red_flags=["limb_weakness"], suspected_diagnosis_at=started)

    clocks = case_clocks(Case.objects.select_related("patient").get(pk=case.pk), started + dt.timedelta(hours=1))

    assert [clock.target.key for clock in clocks] == ["mri_whole_spine_24h"]
    assert clocks[0].due_at == started + dt.timedelta(hours=24)
