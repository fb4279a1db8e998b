"""The out-of-date rule for any times and values (cases.score_age, HAZ-023), and its list of inputs against what
the score forms really pre-fill from."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases import score_age
from cases.assessment_forms import prefilled_components
from cases.choices import MRI_MODALITIES, AmbulatoryStatus, AsiaGrade, FrankelGrade, Modality, PrimarySite
from cases.models import Assessment, Case, Patient, Scan
from cases.models.assessments import ScoreKind
from core.timezones import local_day

pytestmark = pytest.mark.hazard("HAZ-023")

START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
MINUTES = 60 * 24 * 365  # a year: both clock changes, so a local day differs from the UTC one
times = st.integers(min_value=0, max_value=MINUTES).map(lambda minutes: START + dt.timedelta(minutes=minutes))
scans = st.lists(st.tuples(st.sampled_from(Modality.values), st.none() | times), max_size=6)


def shown(at: dt.datetime) -> str:
    """The local day, as a reason writes it."""
    day = local_day(at)
    return f"{day.day} {day:%b %Y}"


def made(found: list[tuple[str, dt.datetime | None]]) -> list[Scan]:
    return [Scan(pk=n + 1, modality=modality, performed_at=at) for n, (modality, at) in enumerate(found)]


@given(kind=st.sampled_from(ScoreKind.values), assessed_at=times, found=scans)
def test_a_score_naming_no_scan_is_flagged_iff_an_mri_was_performed_after_it(kind, assessed_at, found):
    assessment = Assessment(kind=kind, assessed_at=assessed_at)

    reason = score_age.imaging_reason(assessment, score_age.newest_mri(made(found)))

    later = [at for modality, at in found if modality in MRI_MODALITIES and at and at > assessed_at]
    assert (reason is not None) == bool(later)
    if later:
        assert reason.endswith(f"of {shown(max(later))} is newer than this score.")


@given(assessed_at=times, found=scans, rests_on=st.integers(min_value=0, max_value=5))
def test_a_score_naming_its_scan_is_flagged_iff_another_mri_was_performed_after_that_scan(assessed_at, found, rests_on):
    made_scans = made(found)
    scan = made_scans[rests_on] if rests_on < len(made_scans) else None
    assessment = Assessment(kind=ScoreKind.SINS, assessed_at=assessed_at, scan=scan)
    since = scan.performed_at if scan is not None and scan.performed_at else assessed_at

    reason = score_age.imaging_reason(assessment, score_age.newest_mri(made_scans))

    later = [s for s in made_scans if s.is_mri and s.performed_at and s.performed_at > since and s is not scan]
    assert (reason is not None) == bool(later)
    if reason and scan is not None and scan.performed_at:
        assert reason.endswith(f"the {scan.get_modality_display()} of {shown(scan.performed_at)} this score rests on.")


karnofsky = st.none() | st.sampled_from(range(0, 101, 10))


@given(then=karnofsky, now=karnofsky, since=st.none() | times)
def test_an_input_is_a_reason_iff_it_holds_another_value_now(then, now, since):
    reason = score_age.input_reason(score_age.KARNOFSKY, then, now, since)

    assert (reason is not None) == (then != now)
    if reason:
        assert reason.startswith(f"Karnofsky changed {score_age.KARNOFSKY.shown(then)} → ")
        assert (" on " in reason) == (since is not None)
        assert "None" not in reason


records = st.fixed_dictionaries(
    {
        "frankel_grade": st.sampled_from(["", *FrankelGrade.values]),
        "karnofsky": karnofsky,
        "primary_site": st.sampled_from(PrimarySite.values),
        # what the forms must not read
        "ecog": st.none() | st.integers(min_value=0, max_value=5),
        "asia_grade": st.sampled_from(["", *AsiaGrade.values]),
        "ambulatory_status": st.sampled_from(["", *AmbulatoryStatus.values]),
        "spinal_levels": st.lists(st.sampled_from(["C5", "T7", "L2"]), unique=True),
        "primary_site_detail": st.sampled_from(["", "ductal", "adenocarcinoma"]),
        "fit_for_surgery": st.none() | st.booleans(),
    }
)


def record(values: dict) -> Case:
    patient = Patient(primary_site=values["primary_site"], primary_site_detail=values["primary_site_detail"])
    fields = {k: v for k, v in values.items() if k not in ("primary_site", "primary_site_detail")}
    return Case(patient=patient, **fields)


@given(kind=st.sampled_from(ScoreKind.values), one=records, other=records)
def test_the_forms_pre_fill_from_the_listed_inputs_only(kind, one, other):
    """Two records that agree on the kind's listed inputs pre-fill its form alike: the list misses no input."""
    for item in score_age.SCORE_INPUTS[kind]:
        other[item.field] = one[item.field]

    assert prefilled_components(kind, record(one), "T7") == prefilled_components(kind, record(other), "T7")


WITNESSES = {"frankel_grade": ("A", "E"), "karnofsky": (30, 90), "primary_site": (PrimarySite.BREAST, "lung_nsclc")}


@pytest.mark.parametrize(("kind", "item"), [(k, i) for k, inputs in score_age.SCORE_INPUTS.items() for i in inputs])
def test_each_listed_input_changes_what_its_form_pre_fills(kind, item):
    """And every input listed is one the form reads: no flag for a field it ignores."""
    base = {"frankel_grade": "C", "karnofsky": 60, "primary_site": PrimarySite.PROSTATE, "primary_site_detail": ""}
    one, two = ({**base, item.field: value} for value in WITNESSES[item.field])

    assert prefilled_components(kind, record(one))[0] != prefilled_components(kind, record(two))[0]
