"""A score shown as current says when it may be out of date, and why (HAZ-023): a newer MRI, or a record input
its form pre-fills from changed since it was assessed (cases.score_age)."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from cases import score_age
from cases.choices import Modality, PrimarySite
from cases.models import Assessment, Case
from tests.cases.case_summary.helpers import (
    DAY,
    HOUR,
    NOW,
    SINS_9,
    TOMITA_3,
    breast_case,
    graded_scan,
    scored,
    scorer,
    summary_of,
)
from tests.factories import TOKUHASHI_11, CaseFactory, PatientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.hazard("HAZ-023")]


def edited(record, **fields):
    """The record saved through the ORM, as the workspace saves it: a history row at the time now."""
    for name, value in fields.items():
        setattr(record, name, value)
    record.save()
    return record


def scored_case(frozen, **case_fields):
    """A breast case created now, its SINS, Tokuhashi and Tomita assessed a day later; the clock a day on."""
    case = breast_case(karnofsky=70, frankel_grade="D", **case_fields)
    frozen.shift(DAY)
    scored(case, "sins", SINS_9, at=NOW + DAY, level="T7")
    scored(case, "tokuhashi", TOKUHASHI_11, at=NOW + DAY)
    scored(case, "tomita", TOMITA_3, at=NOW + DAY)
    frozen.shift(DAY)
    return case


def reasons(summary):
    return {
        "sins": summary.sins[0].out_of_date,
        "tokuhashi": summary.tokuhashi.out_of_date,
        "tomita": summary.tomita.out_of_date,
    }


def test_scores_with_nothing_newer_are_not_flagged(frozen):
    case = scored_case(frozen)
    graded_scan(case, None, NOW + DAY - HOUR)  # the MRI they were scored on

    assert reasons(summary_of(case)) == {"sins": (), "tokuhashi": (), "tomita": ()}


def test_an_mri_performed_after_a_score_flags_every_score_with_its_date(frozen):
    case = scored_case(frozen)
    graded_scan(case, None, NOW + DAY + 2 * HOUR, modality=Modality.MRI_TARGETED)

    expected = ("The Targeted MRI of 11 Jun 2026 is newer than this score.",)
    assert reasons(summary_of(case)) == {"sins": expected, "tokuhashi": expected, "tomita": expected}


def test_a_newer_ct_does_not_flag_a_score():
    case = breast_case()
    scored(case, "sins", SINS_9, at=NOW - DAY, level="T7")
    graded_scan(case, None, NOW - HOUR, modality=Modality.CT)

    assert summary_of(case).sins[0].out_of_date == ()


def test_a_score_resting_on_an_older_scan_is_flagged_even_when_recorded_after_the_newer_mri():
    case = breast_case()
    older = graded_scan(case, None, NOW - 3 * DAY)
    graded_scan(case, None, NOW - DAY)
    sins = scored(case, "sins", SINS_9, at=NOW - HOUR, level="T7")
    sins.scan = older
    sins.save()

    assert summary_of(case).sins[0].out_of_date == (
        "The Whole-spine MRI of 9 Jun 2026 is newer than the Whole-spine MRI of 7 Jun 2026 this score rests on.",
    )


def test_a_score_resting_on_the_newest_mri_is_current():
    case = breast_case()
    graded_scan(case, None, NOW - 3 * DAY)
    newest = graded_scan(case, None, NOW - DAY)
    sins = scored(case, "sins", SINS_9, at=NOW - 2 * DAY, level="T7")  # dated before the scan it names
    sins.scan = newest
    sins.save()

    assert summary_of(case).sins[0].out_of_date == ()


def test_a_karnofsky_change_after_the_score_flags_the_tokuhashi_only(frozen):
    case = scored_case(frozen)
    edited(case, karnofsky=50)

    assert reasons(summary_of(case)) == {
        "sins": (),
        "tokuhashi": ("Karnofsky changed 70% → 50% on 12 Jun 2026, after this score.",),
        "tomita": (),
    }


def test_a_frankel_grade_recorded_as_blank_after_the_score_is_named_not_recorded(frozen):
    case = scored_case(frozen)
    edited(case, frankel_grade="")

    assert summary_of(case).tokuhashi.out_of_date == (
        "Frankel grade changed D → not recorded on 12 Jun 2026, after this score.",
    )


def test_a_primary_site_change_flags_the_tokuhashi_and_the_tomita(frozen):
    case = scored_case(frozen)
    edited(case.patient, primary_site=PrimarySite.LUNG_NSCLC)

    found = reasons(summary_of(case))

    reason = ("Primary site changed Breast → Lung, non-small cell on 12 Jun 2026, after this score.",)
    assert found == {"sins": (), "tokuhashi": reason, "tomita": reason}


def test_each_reason_is_given_together(frozen):
    case = scored_case(frozen)
    edited(case, karnofsky=40)
    frozen.shift(HOUR)
    edited(case, frankel_grade="B")
    graded_scan(case, None, NOW + 2 * DAY)

    assert summary_of(case).tokuhashi.out_of_date == (
        "The Whole-spine MRI of 12 Jun 2026 is newer than this score.",
        "Frankel grade changed D → B on 12 Jun 2026, after this score.",
        "Karnofsky changed 70% → 40% on 12 Jun 2026, after this score.",
    )


def test_a_change_before_the_score_does_not_flag_it(frozen):
    case = breast_case(karnofsky=70)
    frozen.shift(DAY)
    edited(case, karnofsky=50)
    frozen.shift(DAY)
    scored(case, "tokuhashi", TOKUHASHI_11, at=NOW + 2 * DAY)

    assert summary_of(case).tokuhashi.out_of_date == ()


def test_a_value_changed_and_changed_back_is_not_flagged(frozen):
    case = scored_case(frozen)
    edited(case, karnofsky=50)
    frozen.shift(DAY)
    edited(case, karnofsky=70)

    assert summary_of(case).tokuhashi.out_of_date == ()


def test_the_date_is_when_the_record_first_held_its_value_of_now_after_the_score(frozen):
    case = scored_case(frozen)
    edited(case, karnofsky=50)
    frozen.shift(DAY)
    edited(case, mdt_question="Radiotherapy?")  # another field: the Karnofsky did not change again

    assert summary_of(case).tokuhashi.out_of_date == ("Karnofsky changed 70% → 50% on 12 Jun 2026, after this score.",)


def test_a_score_dated_before_the_record_was_saved_compares_with_its_first_values(frozen):
    case = breast_case(karnofsky=70)  # saved now; the score says it was assessed a day earlier
    scored(case, "tokuhashi", TOKUHASHI_11, at=NOW - DAY)
    frozen.shift(HOUR)
    edited(case, karnofsky=60)

    assert summary_of(case).tokuhashi.out_of_date == ("Karnofsky changed 70% → 60% on 10 Jun 2026, after this score.",)


def test_a_record_without_history_gives_no_input_flag(frozen):
    """A case loaded in bulk (as the scale data is) has no history to say what it held."""
    (case,) = Case.objects.bulk_create([CaseFactory.build(patient=PatientFactory(), karnofsky=70)])
    scored(case, "tokuhashi", TOKUHASHI_11, at=NOW)
    frozen.shift(DAY)
    Case.objects.filter(pk=case.pk).update(karnofsky=20)

    assert summary_of(case).tokuhashi.out_of_date == ()


def test_a_change_written_without_history_is_flagged_without_a_date(frozen):
    case = scored_case(frozen)
    type(case).objects.filter(pk=case.pk).update(karnofsky=20)

    assert summary_of(case).tokuhashi.out_of_date == ("Karnofsky changed 70% → 20% after this score.",)


def test_an_assessment_loaded_without_the_annotations_gets_the_same_reasons(frozen):
    case = scored_case(frozen)
    edited(case, karnofsky=50)
    graded_scan(case, None, NOW + 2 * DAY)
    plain = Assessment.objects.get(case=case, kind="tokuhashi")

    mri = score_age.newest_mri(case.scans.all())
    assert score_age.out_of_date(plain, case, mri) == summary_of(case).tokuhashi.out_of_date
    assert len(score_age.out_of_date(plain, case, mri)) == 2


def test_the_noms_suggestion_says_when_a_sins_it_reads_may_be_out_of_date(frozen):
    case = scored_case(frozen)
    assert not summary_of(case).sins_out_of_date

    graded_scan(case, None, NOW + 2 * DAY)

    assert summary_of(case).sins_out_of_date


# --------------------------------------------------------------------------- the case page


def test_the_case_page_flags_an_out_of_date_score_with_its_reasons_and_leaves_a_current_one(client, frozen):
    case = scored_case(frozen)
    edited(case, karnofsky=50)
    client.force_login(scorer())

    html = client.get(reverse("case-detail", args=[case.pk])).content.decode()

    assert html.count("May be out of date:") == 1  # the Tokuhashi; the SINS and the Tomita are current
    assert escape("May be out of date: Karnofsky changed 70% → 50% on 12 Jun 2026, after this score.") in html
    assert "A SINS this suggestion reads may be out of date" not in html


def test_the_case_page_flags_every_score_older_than_the_newest_mri_and_the_noms_suggestion_says_so(client, frozen):
    case = scored_case(frozen)
    graded_scan(case, None, NOW + 2 * DAY - HOUR)
    client.force_login(scorer())

    html = client.get(reverse("case-detail", args=[case.pk])).content.decode()

    assert html.count("May be out of date: The Whole-spine MRI of 12 Jun 2026 is newer than this score.") == 3
    assert "A SINS this suggestion reads may be out of date: see the scores." in html
