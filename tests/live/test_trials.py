"""Clinical trials considered: the open trials matched to each case by their simple rules (a rule the record
cannot answer is "to check", never met), and the decision's record: considered yes or no, which, why not."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.choices import PreviousRadiotherapy, PrimarySite
from cases.models import Case, Patient
from cases.summary import CaseSummary, case_summary
from live.models import Trial, TrialConsideration
from live.trials import consideration_record, match
from mdt.models import Decision
from tests.factories import AssessmentFactory, CaseFactory, PatientFactory, ScanFactory, read_only_user
from tests.live.makers import error_beside, room, trial_answer_shown
from tests.live.test_live_screen import DECISION

pytestmark = pytest.mark.django_db


@pytest.fixture
def trial():
    return Trial.objects.create(
        name="SPINE-RT", primary_sites=[PrimarySite.BREAST], escc_min=4, escc_max=5, sins_min=7, ecog_max=2
    )


def graded_case(site=PrimarySite.BREAST, escc=4, ecog=1, sins=True):
    case = CaseFactory(patient=PatientFactory(primary_site=site), ecog=ecog)
    ScanFactory(case=case, performed=True, escc_grade=escc)
    if sins:
        AssessmentFactory(case=case)  # a complete SINS of 9
    return case


def verdict(trial, case):
    return match(trial, case, case_summary(case))


def test_a_case_meeting_every_rule_may_be_eligible(trial):
    found = verdict(trial, graded_case())
    assert found.verdict == "May be eligible" and not found.failed and not found.unknown


def test_a_rule_the_case_fails_makes_it_not_eligible_and_says_which(trial):
    assert "primary prostate" in verdict(trial, graded_case(site=PrimarySite.PROSTATE)).failed[0]
    low = verdict(trial, graded_case(escc=1))
    assert low.verdict == "Not eligible" and "ESCC grade 1a, the trial takes 2 to 3" in low.failed
    assert verdict(trial, graded_case(ecog=3)).failed == ("ECOG 3, the trial takes … to 2",)


@pytest.mark.hazard("HAZ-122")
def test_a_rule_the_record_cannot_answer_is_to_check_never_met(trial):
    unscored = verdict(trial, graded_case(sins=False, ecog=None))
    assert unscored.verdict == "To check"
    assert set(unscored.unknown) == {"SINS not recorded", "ECOG not recorded"}
    Trial.objects.filter(pk=trial.pk).update(previous_radiotherapy="excluded")
    trial.refresh_from_db()
    not_known = verdict(trial, graded_case())  # the case's default: previous radiotherapy not known
    assert not_known.verdict == "To check"
    assert not_known.unknown == (
        "previous radiotherapy to the spine not known (the trial: excluded): check the history",
    )


@pytest.mark.hazard("HAZ-122")
@pytest.mark.parametrize(
    ("rule", "had", "expected"),
    [
        ("excluded", "yes", "Not eligible"),
        ("excluded", "no", "May be eligible"),
        ("excluded", "unknown", "To check"),
        ("required", "yes", "May be eligible"),
        ("required", "no", "Not eligible"),
        ("required", "unknown", "To check"),
        ("any", "unknown", "May be eligible"),
    ],
)
def test_previous_radiotherapy_recorded_on_the_case_answers_the_trials_rule(trial, rule, had, expected):
    Trial.objects.filter(pk=trial.pk).update(previous_radiotherapy=rule)
    trial.refresh_from_db()
    case = graded_case()
    case.previous_spinal_rt = had
    found = verdict(trial, case)
    assert found.verdict == expected
    if expected == "Not eligible":
        assert found.failed == (
            f"{'had' if had == 'yes' else 'no'} previous radiotherapy to the spine, the trial: {rule}",
        )


@pytest.mark.hazard("HAZ-122")
@settings(max_examples=60, deadline=None)
@given(
    rule=st.sampled_from(Trial.PreviousRadiotherapy.values),
    had=st.sampled_from(PreviousRadiotherapy.values),
    ecog=st.one_of(st.none(), st.integers(0, 4)),
    ecog_max=st.one_of(st.none(), st.integers(0, 4)),
    site=st.sampled_from([PrimarySite.BREAST, PrimarySite.PROSTATE]),
)
def test_the_matcher_never_calls_a_case_eligible_on_a_rule_it_cannot_answer(rule, had, ecog, ecog_max, site):
    """For every trial and case: eligible only when every rule is met; a rule failed is never hidden by an
    unknown one; previous radiotherapy not known is never met (no query: built in memory)."""
    trial = Trial(name="T", primary_sites=[PrimarySite.BREAST], ecog_max=ecog_max, previous_radiotherapy=rule)
    case = Case(patient=Patient(primary_site=site), ecog=ecog, previous_spinal_rt=had)
    found = match(trial, case, CaseSummary(case=case))
    rt_failed = (rule == "excluded" and had == "yes") or (rule == "required" and had == "no")
    rt_unknown = rule != "any" and had == "unknown"
    must_fail = (
        rt_failed or site != PrimarySite.BREAST or (ecog_max is not None and ecog is not None and ecog > ecog_max)
    )
    must_check = rt_unknown or (ecog_max is not None and ecog is None)
    assert found.verdict == ("Not eligible" if must_fail else "To check" if must_check else "May be eligible")
    assert bool(found.failed) == must_fail and bool(found.unknown) == must_check


def test_the_decision_records_considered_which_and_why_not(trial):
    r = room(1)
    made = Decision.objects.create(
        case=r.items[0].case,
        agenda_item=r.items[0],
        treatments=["cebrt"],
        intent="palliative",
        rationale="r",
        recorded_by=r.oncologist,
    )
    with pytest.raises(ValidationError, match="Choose the trial"):
        consideration_record(decision_id=made.pk, user=r.oncologist, considered=True, trial_id=None)
    with pytest.raises(ValidationError, match="Say why no trial was considered"):
        consideration_record(decision_id=made.pk, user=r.oncologist, considered=False, trial_id=None)
    with pytest.raises(PermissionDenied):
        consideration_record(decision_id=made.pk, user=read_only_user("t_auditor"), considered=False, trial_id=None)
    closed = Trial.objects.create(name="CLOSED-1", open=False)
    with pytest.raises(ValidationError, match="not recruiting"):
        consideration_record(decision_id=made.pk, user=r.oncologist, considered=True, trial_id=closed.pk)

    row = consideration_record(
        decision_id=made.pk, user=r.oncologist, considered=True, trial_id=trial.pk, why_not="Declined"
    )
    assert (row.considered, row.trial, row.why_not) == (True, trial, "Declined")


def test_on_the_live_screen_the_trials_show_with_the_case_and_the_outcome_needs_the_trial_answer(client, trial):
    r = room(1)
    client.force_login(r.coordinator)
    client.post(reverse("live:start", args=[r.meeting.pk]))
    client.post(reverse("live:recording", args=[r.meeting.pk]), {"from_item": r.items[0].pk})
    follower = Client()
    follower.force_login(r.radiologist)
    assert "SPINE-RT" in follower.get(reverse("live:state", args=[r.meeting.pk])).content.decode()
    responsible = [r.oncologist.member.pk, r.surgeon.member.pk]
    without = {k: v for k, v in DECISION.items() if not k.startswith("trial_")}

    refused = client.post(
        reverse("live:outcome", args=[r.meeting.pk]),
        {**without, "from_item": r.items[0].pk, "responsible": responsible},
    )
    assert refused.status_code == 200 and "Say why no trial was considered." in refused.content.decode()
    assert error_beside(refused.content.decode(), "trial_why_not") == "Say why no trial was considered."
    assert not Decision.objects.exists()  # neither the decision nor the trial answer was saved

    client.post(
        reverse("live:outcome", args=[r.meeting.pk]),
        {
            **without,
            "from_item": r.items[0].pk,
            "responsible": responsible,
            "trial_considered": "yes",
            "trial": trial.pk,
        },
    )
    assert TrialConsideration.objects.get().trial == trial
    assert Decision.objects.get().agenda_item == r.items[0]


def test_a_decision_made_away_from_the_live_screen_records_its_trials_on_its_own_page(client, trial):
    r = room(1)
    made = Decision.objects.create(
        case=graded_case(),
        urgent=True,
        treatments=["cebrt"],
        intent="palliative",
        rationale="r",
        recorded_by=r.oncologist,
    )
    client.force_login(r.oncologist)
    page = client.get(reverse("live:trials", args=[made.pk])).content.decode()
    assert "SPINE-RT" in page and "May be eligible" in page and "Not recorded yet." in page

    record = reverse("live:trials-record", args=[made.pk])
    refused = client.post(record, {"trial_considered": "no"}, follow=True).content.decode()
    assert "Say why no trial was considered." in refused
    client.post(record, {"trial_considered": "yes", "trial": trial.pk, "trial_why_not": "Declined by the patient"})

    row = TrialConsideration.objects.get()
    assert (row.trial, row.why_not) == (trial, "Declined by the patient")
    assert "Declined by the patient" in client.get(reverse("live:trials", args=[made.pk])).content.decode()


def test_the_agenda_trials_page_matches_every_case_in_the_same_queries_for_one_or_four(client, trial):
    counts = []
    for size, prefix in ((1, "one_"), (4, "four_")):
        r = room(size, prefix=prefix)
        client.force_login(r.radiologist)
        url = reverse("live:agenda-trials", args=[r.meeting.pk])
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        counts.append(len(queries))
        assert page.count("SPINE-RT") == size and "To check" in page  # no graded MRI yet: ESCC to check
    assert counts[0] == counts[1]


def test_the_outcome_page_asks_the_trial_question_with_the_live_screens_rules_and_offers_the_matched_trials(
    client, trial
):
    r = room(1)
    item = r.items[0]
    url = reverse("item-decision", args=[r.meeting.pk, item.pk])
    client.force_login(r.oncologist)
    page = client.get(url).content.decode()
    assert "Open clinical trials" in page and "Trial considered?" in page
    assert re.search(rf'<option value="{trial.pk}"[^>]*>SPINE-RT \((may be eligible|to check|not eligible)\)', page)

    without = {k: v for k, v in DECISION.items() if not k.startswith("trial_")}
    base = {**without, "responsible": [r.oncologist.member.pk, r.surgeon.member.pk]}
    refused = client.post(url, base)
    assert refused.status_code == 200 and "Say why no trial was considered." in refused.content.decode()
    # Beside the field it is about, once (not also at the top of the form).
    assert error_beside(refused.content.decode(), "trial_why_not") == "Say why no trial was considered."
    assert refused.content.decode().count("Say why no trial was considered.") == 1
    closed = Trial.objects.create(name="CLOSED-1", open=False)
    refused = client.post(url, {**base, "trial_considered": "yes", "trial": closed.pk})
    assert refused.status_code == 200 and "CLOSED-1 is not recruiting." in refused.content.decode()
    assert error_beside(refused.content.decode(), "trial") == "CLOSED-1 is not recruiting."
    assert trial_answer_shown(refused.content.decode()) == "yes"  # what was typed is shown again
    assert not Decision.objects.exists() and not TrialConsideration.objects.exists()  # neither saved

    saved = client.post(url, {**base, "trial_considered": "yes", "trial": trial.pk, "trial_why_not": "Declined"})
    assert saved.status_code == 302
    row = TrialConsideration.objects.get()
    assert (row.decision.agenda_item, row.considered, row.trial, row.why_not) == (item, True, trial, "Declined")
    assert row.recorded_by == r.oncologist and row.history.count() == 1
    again = client.get(url).content.decode()  # the current decision's answer is shown
    assert trial_answer_shown(again) == "yes" and f'<option value="{trial.pk}" selected>' in again


def trial_group(page):
    """The trial question's group: from its fieldset to the end of it (after the last field's label)."""
    start = page.index('<fieldset class="mb-3 live-trial-fields">')
    return page[start : page.index("</fieldset>", page.index("Why not (no trial considered", start))]


def test_the_trial_question_reads_as_one_group_the_open_trials_inside_it_before_the_answer(client, trial):
    r = room(1)
    item = r.items[0]
    made = Decision.objects.create(case=item.case, urgent=True, treatments=["cebrt"], recorded_by=r.oncologist)
    client.force_login(r.oncologist)
    for url in (
        reverse("item-decision", args=[r.meeting.pk, item.pk]),  # the outcome page
        reverse("urgent-decision-new", args=[item.case.pk]),  # the urgent decision and the amendment's page
        reverse("live:trials", args=[made.pk]),  # a decision's trials, afterwards
    ):
        page = client.get(url).content.decode()
        group = trial_group(page)
        assert page.count("Open clinical trials") == 1 and "Open clinical trials" in group, url
        said = [
            group.index(text)
            for text in ("Clinical trials</legend>", "Open clinical trials", "SPINE-RT", "Trial considered?")
        ]
        assert said == sorted(said), url
