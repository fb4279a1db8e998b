"""The clinical pages: who may see them, finding a patient, and what a case page tells the MDT."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases.choices import RED_FLAG_LABELS, EsccGradeChoice, FrankelGrade, NeuroRedFlag, PainRedFlag
from cases.models import ScanState
from mdt.models import Member
from tests.factories import AssessmentFactory, CaseFactory, PatientFactory, ScanFactory, clinician

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))
    return client


def search(client, query: str) -> list:
    response = client.get(reverse("patient-list"), {"q": query})
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def between(html: str, start_marker: str, end_marker: str) -> str:
    """The part of the page from start_marker to the first end_marker after it."""
    start = html.index(start_marker)
    return html[start : html.index(end_marker, start)]


# --------------------------------------------------------------------------- who may see the pages


def page_urls():
    case = CaseFactory()
    return {
        "patient list": reverse("patient-list"),
        "patient": reverse("patient-detail", args=[case.patient.pk]),
        "case": reverse("case-detail", args=[case.pk]),
    }


@pytest.mark.parametrize("page", ["patient list", "patient", "case"])
def test_it_sends_anonymous_visitors_to_sign_in_and_back(client, page):
    url = page_urls()[page]

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("page", ["patient list", "patient", "case"])
@pytest.mark.parametrize("role", [Member.Role.ONCOLOGIST, Member.Role.PHYSIOTHERAPIST, Member.Role.NURSE_SPECIALIST])
def test_it_shows_the_pages_to_any_signed_in_clinician(client, page, role):
    client.force_login(clinician("someone", role))

    response = client.get(page_urls()[page])

    assert response.status_code == 200


@pytest.mark.parametrize("url_name", ["patient-detail", "case-detail"])
def test_it_answers_404_for_a_record_that_does_not_exist(signed_in, url_name):
    CaseFactory()

    response = signed_in.get(reverse(url_name, args=[987654]))

    assert response.status_code == 404


# --------------------------------------------------------------------------- finding a patient


@pytest.fixture
def patients():
    return {
        "smith": PatientFactory(mrn="RX100001", nhs_number="9434765919", family_name="Smith", given_name="Joan"),
        "smithers": PatientFactory(mrn="RX100002", nhs_number=None, family_name="Smithers", given_name="Alan"),
        "jones": PatientFactory(mrn="RX100003", nhs_number="9434765870", family_name="Jones", given_name="Joanna"),
        "smith_peter": PatientFactory(mrn="RX100004", nhs_number=None, family_name="Smith", given_name="Peter"),
    }


def test_it_finds_a_patient_by_mrn_in_any_case(signed_in, patients):
    assert search(signed_in, "RX100003") == [patients["jones"]]
    assert search(signed_in, "rx100003") == [patients["jones"]]


@pytest.mark.parametrize("typed", ["9434765919", "943 476 5919", "943-476-5919", " 943 476 5919 "])
def test_it_finds_a_patient_by_nhs_number_however_it_is_spaced(signed_in, patients, typed):
    assert search(signed_in, typed) == [patients["smith"]]


def test_it_finds_patients_by_the_start_of_the_family_name_in_name_order(signed_in, patients):
    assert search(signed_in, "smi") == [patients["smith"], patients["smith_peter"], patients["smithers"]]
    assert search(signed_in, "SMITHE") == [patients["smithers"]]


@pytest.mark.parametrize("typed", ["smith, joan", "Smith,Jo", "smi, j", "  Smith ,  JOAN "])
def test_it_finds_a_patient_by_family_comma_given(signed_in, patients, typed):
    assert search(signed_in, typed) == [patients["smith"]]


def test_it_finds_a_patient_whose_family_name_has_a_space_when_it_is_typed_in_full(signed_in):
    de_souza = PatientFactory(family_name="De Souza", given_name="Maria")

    assert search(signed_in, "de souza") == [de_souza]


def test_it_says_when_nothing_matches(signed_in, patients):
    response = signed_in.get(reverse("patient-list"), {"q": "Zebedee"})

    assert list(response.context["page"].object_list) == []
    assert "No patient matches “Zebedee”" in response.content.decode()


def test_it_shows_the_next_page_link_only_when_more_than_50_patients_match(signed_in):
    PatientFactory(family_name="Zulu", given_name="Last")  # does not match "patel"
    for n in range(50):
        PatientFactory(family_name="Patel", given_name=f"Given{n:02d}")

    fifty = signed_in.get(reverse("patient-list"), {"q": "patel"})
    assert len(fifty.context["page"].object_list) == 50
    assert "Next</a>" not in fifty.content.decode()

    PatientFactory(family_name="Patel", given_name="Given50")
    fifty_one = signed_in.get(reverse("patient-list"), {"q": "patel"})
    assert len(fifty_one.context["page"].object_list) == 50
    last_shown = fifty_one.context["page"].object_list[-1]
    # The next page starts after the last patient shown, named by id only (no patient data in the address).
    assert f'href="?q=patel&amp;after={last_shown.pk}">Next</a>' in fifty_one.content.decode()

    second = signed_in.get(reverse("patient-list"), {"q": "patel", "after": str(last_shown.pk)})
    assert [p.given_name for p in second.context["page"].object_list] == ["Given50"]
    assert "Next</a>" not in second.content.decode()
    assert 'href="?q=patel">First page</a>' in second.content.decode()


def test_it_pages_through_ties_in_the_name_without_skipping_or_repeating(signed_in):
    for _ in range(120):
        PatientFactory(family_name="Jones", given_name="Sam")  # identical names: only the id orders them
    seen, after = [], None
    while True:
        params = {"q": "jones"} | ({"after": str(after)} if after else {})
        page = signed_in.get(reverse("patient-list"), params).context["page"]
        seen += [patient.pk for patient in page.object_list]
        if not page.has_next:
            break
        after = page.next_after
    assert sorted(seen) == seen and len(set(seen)) == 120


# --------------------------------------------------------------------------- the case page


@pytest.mark.hazard("HAZ-019")
def test_it_groups_the_red_flags_into_neurological_and_pain(signed_in):
    case = CaseFactory(
        red_flags=[PainRedFlag.NOCTURNAL_PAIN, NeuroRedFlag.LIMB_WEAKNESS, NeuroRedFlag.BLADDER_BOWEL_DYSFUNCTION]
    )

    html = signed_in.get(reverse("case-detail", args=[case.pk])).content.decode()

    neuro = between(html, 'class="red-flag-neuro', "</ul>")
    pain = between(html, 'class="red-flag-pain', "</ul>")
    assert "Neurological: suggests MSCC" in neuro
    assert RED_FLAG_LABELS["limb_weakness"] in neuro
    assert RED_FLAG_LABELS["bladder_bowel_dysfunction"] in neuro
    assert RED_FLAG_LABELS["nocturnal_pain"] not in neuro
    assert RED_FLAG_LABELS["nocturnal_pain"] in pain
    assert RED_FLAG_LABELS["limb_weakness"] not in pain


def test_it_shows_no_neurological_group_when_only_pain_is_recorded(signed_in):
    case = CaseFactory(red_flags=[PainRedFlag.MECHANICAL_PAIN], presentation="suspected_metastases")

    html = signed_in.get(reverse("case-detail", args=[case.pk])).content.decode()

    assert 'class="red-flag-neuro' not in html
    assert RED_FLAG_LABELS["mechanical_pain"] in between(html, 'class="red-flag-pain', "</ul>")


def test_it_shows_the_neurology_performance_status_levels_and_question(signed_in):
    case = CaseFactory(
        frankel_grade=FrankelGrade.C,
        karnofsky=70,
        ecog=2,
        spinal_levels=["T4", "T6", "T7", "T8"],
        mdt_question="Is T7 unstable (SINS 13)? Surgery before radiotherapy?",
    )

    html = signed_in.get(reverse("case-detail", args=[case.pk])).content.decode()

    assert "C: motor useless" in html
    assert 'Karnofsky</dt><dd class="col-sm-7">70%</dd>' in html
    assert "2: self-caring, up more than 50% of waking hours" in html
    assert "T4, T6, T7, T8" in html
    assert "<strong>Question for the MDT:</strong> Is T7 unstable (SINS 13)? Surgery before radiotherapy?" in html


def test_it_says_not_recorded_for_missing_assessments(signed_in):
    case = CaseFactory(red_flags=[], presentation="known_disease_review")

    html = signed_in.get(reverse("case-detail", args=[case.pk])).content.decode()

    assert "None recorded." in html
    assert 'Frankel grade</dt><dd class="col-sm-7">Not recorded</dd>' in html
    assert 'Karnofsky</dt><dd class="col-sm-7">Not recorded</dd>' in html
    assert 'Spinal levels</dt><dd class="col-sm-7">Not recorded</dd>' in html
    assert "Question for the MDT" not in html


def test_it_escapes_the_question_for_the_mdt(signed_in):
    case = CaseFactory(mdt_question="<script>alert(1)</script>")

    html = signed_in.get(reverse("case-detail", args=[case.pk])).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def scans_in_every_state(case):
    now = timezone.now()
    requested_at = now - dt.timedelta(days=3)
    performed_at = now - dt.timedelta(days=2)
    reviewer = clinician("reviewer")
    return {
        ScanState.REQUESTED: ScanFactory(case=case, requested_at=requested_at),
        ScanState.PERFORMED: ScanFactory(case=case, requested_at=requested_at, performed_at=performed_at),
        ScanState.REPORTED: ScanFactory(
            case=case, requested_at=requested_at, performed_at=performed_at, reported_at=now - dt.timedelta(days=1)
        ),
        ScanState.REVIEWED: ScanFactory(
            case=case,
            requested_at=requested_at,
            performed_at=performed_at,
            reported_at=now - dt.timedelta(days=1),
            reviewed_at=now - dt.timedelta(hours=1),
            reviewed_by=reviewer,
        ),
    }


@pytest.mark.parametrize("url_name", ["case-detail", "patient-detail"])
def test_it_labels_each_scan_with_its_state(signed_in, url_name):
    case = CaseFactory()
    scans_in_every_state(case)
    pk = case.pk if url_name == "case-detail" else case.patient.pk

    html = signed_in.get(reverse(url_name, args=[pk])).content.decode()

    badges = re.findall(r'<span class="badge badge-state-(\w+)">([^<]+)</span>', html)
    assert sorted(badges) == sorted(
        [
            ("requested", "Requested"),
            ("performed", "Performed, awaiting report"),
            ("reported", "Reported, awaiting review"),
            ("reviewed", "Reviewed"),
        ]
    )


def test_it_names_who_reviewed_a_scan(signed_in):
    case = CaseFactory()
    scans = scans_in_every_state(case)
    reviewer = scans[ScanState.REVIEWED].reviewed_by

    html = signed_in.get(reverse("case-detail", args=[case.pk])).content.decode()

    assert f"by {escape(reviewer.get_full_name())}" in html


# --------------------------------------------------------------------------- a constant number of queries


def patient_with(cases: int):
    patient = PatientFactory()
    reviewer = clinician("reviewer")
    for _ in range(cases):
        case = CaseFactory(patient=patient, responsible_clinician=reviewer)
        ScanFactory(case=case, performed=True)
        ScanFactory(case=case, performed=True, reviewed_at=timezone.now(), reviewed_by=reviewer)
    return patient


def case_with(scans: int):
    """Graded MRIs, of grades 0 to 3 in turn: with more than one the grades differ (HAZ-010)."""
    case = CaseFactory(responsible_clinician=clinician("responsible", Member.Role.SPINAL_SURGEON))
    reviewer = clinician("reviewer")
    for n in range(scans):
        grade = {"escc_grade": n % len(EsccGradeChoice), "escc_level": "T7"}
        if n % 2:
            ScanFactory(case=case, performed=True, reviewed_at=timezone.now(), reviewed_by=reviewer, **grade)
        else:
            ScanFactory(case=case, performed=True, **grade)
    return case


@pytest.mark.parametrize("size", [1, 10])
def test_it_shows_a_patient_in_a_constant_number_of_queries(signed_in, django_assert_max_num_queries, size):
    patient = patient_with(cases=size)

    # session, user, patient, cases with responsible clinicians (JOIN), scans with reviewers (JOIN),
    # member (navbar), access record (INSERT)
    with django_assert_max_num_queries(7):
        response = signed_in.get(reverse("patient-detail", args=[patient.pk]))

    assert response.status_code == 200
    assert response.content.decode().count("Whole-spine MRI") == 2 * size


@pytest.mark.hazard("HAZ-010", "HAZ-023")
@pytest.mark.parametrize("size", [1, 10])
def test_it_shows_a_case_in_a_constant_number_of_queries(client, django_assert_max_num_queries, size):
    client.force_login(clinician())  # a radiologist: the page also checks the review permission
    case = case_with(scans=size)
    earlier = timezone.now() - dt.timedelta(days=2)  # before the MRIs: every score may be out of date
    for index in range(size):
        AssessmentFactory(case=case, level=f"T{index + 1}", assessed_at=earlier)
    tokuhashi = {"kind": "tokuhashi", "version": "tokuhashi_revised_2005", "level": ""}
    AssessmentFactory(case=case, assessed_at=earlier, components={}, total=None, complete=False, **tokuhashi)
    case.karnofsky = 40  # after the Tokuhashi: read from the record's history with the assessments
    case.save()

    # session, user, case with patient and responsible clinician (JOIN), scans with reviewers (JOIN),
    # assessments with assessors and scans (JOIN), the history timeline (patient, case, scans, assessments:
    # one query each, with users), user permissions, group permissions, member (navbar)
    # + access record (INSERT); the MDT's panel: decisions (+ sign-offs, follow-ups when there are decisions)
    # and open follow-ups; the timeline's MDT sources: agenda items, decisions, sign-offs, follow-ups;
    # the referral panel: the referrals the case came from; the letters' panel: decisions with their
    # patient letters; the timeline's letters sources: communication needs, patient letters
    with django_assert_max_num_queries(23):
        response = client.get(reverse("case-detail", args=[case.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<div class="card mb-3">') == size
    assert html.count("ESCC grades differ between this case") == (size > 1)
    assert html.count("May be out of date:") == size + 1
    assert "Karnofsky changed not recorded → 40%" in html
