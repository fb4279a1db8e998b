"""Rules that hold for every input, checked with Hypothesis (no database).

Scores (docs/clinical-reference.md §1-§3, "Rules that apply to every calculator"): for any choice of
options and blanks, the total is the sum of the published points, or the result is incomplete with
no total. Clocks (§7.1): a clock is never met by a stop before its start; without a stop its state
only moves running -> at risk -> breached as time passes; and the 24-hour and 7-day targets hold
across both clock changes of 2026 and 2027 in Europe/London.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases import scoring
from cases.choices import Modality, Presentation
from cases.clocks import Clock, ClockState, case_clocks, target
from cases.models import Case, Patient, Scan
from tests.cases.scoring.test_sins import SINS_OPTIONS
from tests.cases.scoring.test_tokuhashi import TOKUHASHI_OPTIONS
from tests.cases.scoring.test_tomita import TOMITA_OPTIONS

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
HOUR = dt.timedelta(hours=1)

# The published tables, as written in tests/cases/scoring/ from the reference.
PUBLISHED = {"sins_2010": SINS_OPTIONS, "tokuhashi_revised_2005": TOKUHASHI_OPTIONS, "tomita_2001": TOMITA_OPTIONS}


def published_points(version: str) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for component, option, points in PUBLISHED[version]:
        table.setdefault(component, {})[option] = points
    return table


@st.composite
def score_inputs(draw: st.DrawFn) -> tuple[str, dict[str, str | None]]:
    """A version and, for each of its components, a published option or a blank (None or "")."""
    version = draw(st.sampled_from(sorted(PUBLISHED)))
    table = published_points(version)
    values = {
        component: draw(st.one_of(st.sampled_from(sorted(options)), st.sampled_from([None, ""])))
        for component, options in table.items()
    }
    return version, values


# --------------------------------------------------------------------------- scores


@pytest.mark.hazard("HAZ-022")
@pytest.mark.hazard("HAZ-004")
@given(score_inputs())
def test_a_total_is_the_sum_of_the_published_points_or_the_score_is_incomplete(inputs):
    version, values = inputs
    table = published_points(version)

    result = scoring.calculate(version, values)

    blanks = tuple(component for component, value in values.items() if not value)
    if blanks:
        assert not result.complete
        assert result.total is None and result.band is None
        assert result.missing == blanks
    else:
        assert result.complete
        assert result.total == sum(table[component][option] for component, option in values.items())
    given_points = {component: table[component][option] for component, option in values.items() if option}
    assert result.points == given_points
    assert result.known_points == sum(given_points.values())


@pytest.mark.hazard("HAZ-013")
@given(st.sampled_from(sorted(PUBLISHED)), st.data(), st.sampled_from([0, False, 0.0, [], {}]))
def test_a_falsy_component_value_is_refused_never_read_as_blank(version, data, falsy):
    component = data.draw(st.sampled_from(sorted(published_points(version))))

    with pytest.raises(ValueError, match=f"^{component}: "):
        scoring.calculate(version, {component: falsy})


@pytest.mark.hazard("HAZ-010")
@given(score_inputs().filter(lambda inputs: inputs[0] == "sins_2010"))
def test_an_unfinished_sins_is_flagged_by_what_its_known_points_already_reach(inputs):
    _, values = inputs
    result = scoring.calculate("sins_2010", values)

    reached = scoring.sins_band_reached(result)

    if result.complete or result.known_points < 7:
        assert reached is None
    else:
        assert reached.key == ("unstable" if result.known_points >= 13 else "potentially_unstable")


# --------------------------------------------------------------------------- clocks

KEYS = ["mri_whole_spine_24h", "mri_whole_spine_1w", "rt_start_24h"]
# 2026-01-01 to 2027-12-31, whole minutes, in UTC.
instants = st.integers(min_value=0, max_value=2 * 365 * 24 * 60).map(
    lambda minutes: dt.datetime(2026, 1, 1, tzinfo=UTC) + dt.timedelta(minutes=minutes)
)
offsets = st.integers(min_value=-20 * 24 * 60, max_value=20 * 24 * 60).map(
    lambda minutes: dt.timedelta(minutes=minutes)
)


def clock(key: str, started: dt.datetime, stopped: dt.datetime | None, now: dt.datetime) -> Clock:
    return Clock(target(key), Case(), started, stopped, now)


def unsaved_case(suspected: dt.datetime, mri_times: list[dt.datetime]) -> Case:
    """A suspected-MSCC case and its scans, built in memory the way case_clocks reads them (prefetched)."""
    case = Case(
        pk=1,  # unsaved, but a related manager needs a key before it reads the prefetched scans
        presentation=Presentation.SUSPECTED_MSCC,
        red_flags=["limb_weakness"],
        suspected_diagnosis_at=suspected,
        referred_at=suspected,
        patient=Patient(died_on=None),
    )
    scans = [Scan(modality=Modality.MRI_WHOLE_SPINE, performed_at=at, requested_at=at) for at in mri_times]
    case._prefetched_objects_cache = {"scans": _Prefetched(scans)}
    return case


class _Prefetched(list):
    def all(self):
        return self


@pytest.mark.hazard("HAZ-016")
@given(st.sampled_from(KEYS), instants, offsets.filter(lambda offset: offset < dt.timedelta(0)), offsets)
def test_a_clock_is_never_met_by_a_stop_before_its_start(key, started, before, later):
    assert clock(key, started, started + before, started + later).state != ClockState.MET


@pytest.mark.hazard("HAZ-016")
@settings(deadline=None)
@given(instants, st.lists(offsets.filter(lambda offset: offset < dt.timedelta(0)), max_size=3), offsets)
def test_no_mri_performed_before_the_suspicion_ever_meets_the_mri_clock(suspected, befores, later):
    case = unsaved_case(suspected, [suspected + before for before in befores])

    [mri_clock] = case_clocks(case, suspected + later)

    assert mri_clock.stopped_at is None
    assert mri_clock.state != ClockState.MET


ORDER = {ClockState.RUNNING: 0, ClockState.AT_RISK: 1, ClockState.BREACHED: 2}


@pytest.mark.hazard("HAZ-006")
@given(st.sampled_from(KEYS), instants, st.lists(offsets.filter(lambda o: o >= dt.timedelta(0)), min_size=2))
def test_an_unstopped_clock_only_moves_running_then_at_risk_then_breached(key, started, elapsed):
    states = [clock(key, started, None, started + offset).state for offset in sorted(elapsed)]

    ranks = [ORDER[state] for state in states]
    assert ranks == sorted(ranks)


# The clock changes of 2026 and 2027 in Europe/London (last Sunday of March and of October, 01:00 UTC).
CHANGES = [
    dt.datetime(2026, 3, 29, 1, tzinfo=UTC),
    dt.datetime(2026, 10, 25, 1, tzinfo=UTC),
    dt.datetime(2027, 3, 28, 1, tzinfo=UTC),
    dt.datetime(2027, 10, 31, 1, tzinfo=UTC),
]
around_a_change = st.tuples(st.sampled_from(CHANGES), st.integers(min_value=-8 * 24 * 60, max_value=2 * 24 * 60)).map(
    lambda pair: pair[0] + dt.timedelta(minutes=pair[1])
)


@pytest.mark.hazard("HAZ-006")
@given(st.sampled_from(["mri_whole_spine_24h", "rt_start_24h"]), around_a_change)
def test_a_24_hour_target_is_24_elapsed_hours_across_every_clock_change(key, started):
    assert target(key).due(started) - started == 24 * HOUR


@pytest.mark.hazard("HAZ-006")
@given(around_a_change)
def test_a_7_day_target_is_7_calendar_days_on_the_london_wall_clock_across_every_clock_change(started):
    due = target("mri_whole_spine_1w").due(started)

    start_local, due_local = started.astimezone(LONDON), due.astimezone(LONDON)
    assert due_local.date() == start_local.date() + dt.timedelta(days=7)
    assert due - started in (167 * HOUR, 168 * HOUR, 169 * HOUR)
    spans_a_change = start_local.utcoffset() != due_local.utcoffset()
    if not spans_a_change:
        assert due - started == 168 * HOUR
    if start_local.replace(tzinfo=None).time() == due_local.replace(tzinfo=None).time():
        assert due - started == 168 * HOUR - (due_local.utcoffset() - start_local.utcoffset())
