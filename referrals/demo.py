"""The front door in the demo service: referring hospitals, two referrers, the MSCC coordinator on duty
this week, and referrals in every state: one table (STORIES), each row told by one loop (`_tell`).

Registered with core.demo, so `seed_demo` runs it (DEBUG only). Idempotent: nothing is created when
the demo organisations exist. The referrals are made through the services, as people would make them,
then their times are moved back (a demo-only UPDATE) so the clocks show met, at risk and breached.
Demo NHS numbers are in the 999 range; the accepted referral is for a demo patient whose cases are
closed, so it shows a new case made from a referral without adding a patient.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.roles import assign_referrer
from cases.choices import AmbulatoryStatus, CaseStatus, Modality, PrimarySite, Sex
from cases.models import Case, Patient
from cases.validators import nhs_check_digit
from referrals.choices import Outcome, Precautions, YesNoUnknown
from referrals.models import Advice, DutyShift, Organisation, Referral, Referrer
from referrals.services import accept, drafts, triage

SERVICE = ("Northern Regional Spinal Centre", "DEMO0")
HOSPITALS = [
    ("Riverside General Hospital", "DEMO1", "North"),
    ("Hillside Infirmary", "DEMO2", "North"),
    ("Coastal District Hospital", "DEMO3", "Coast"),
]
REFERRERS = [
    ("referrer", "Rhian", "Pugh", "DEMO1", "Acute oncology registrar", "01632 960 101"),
    ("referrer2", "Tomos", "Hughes", "DEMO2", "Emergency medicine registrar", "01632 960 202"),
]
HOUR = dt.timedelta(hours=1)


def _nhs(n: int) -> str:
    candidate = n
    while True:
        first_nine = f"9990{candidate:05d}"
        check = nhs_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"
        candidate += 1


def _base(n: int, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "consultant_name": "Dr Alun Price",
        "nhs_number": _nhs(n),
        "local_mrn": f"RG{n:06d}",
        "sex": Sex.FEMALE,
        "primary_site": PrimarySite.BREAST,
        "histology": "Invasive ductal carcinoma",
        "known_metastases": "Bone",
        "systemic_therapy": "Letrozole",
        "previous_spinal_rt": YesNoUnknown.NO,
        "ambulatory_status": AmbulatoryStatus.WALKS_WITH_AID,
        "ecog": 2,
        "dexamethasone_given": YesNoUnknown.YES,
        "dexamethasone_dose_mg": 16,
        "mri_done": YesNoUnknown.YES,
        "mri_where": "Riverside General Hospital",
        "images_sent": YesNoUnknown.YES,
        "accession_number": f"ACC{n:05d}",
        "question": "Cord compression? Surgery or radiotherapy?",
    }
    values.update(fields)
    return values


def _make(
    user: Any,
    org: Organisation | None,
    fields: dict[str, Any],
    *,
    submit: bool = True,
    ago: dt.timedelta = dt.timedelta(),
) -> Referral:
    """A referral as typed; its MRI and first dose before the time it will show as submitted (`ago`)."""
    referral = drafts.referral_start(user=user, organisation=org)
    before = timezone.now() - ago
    fields.setdefault("mri_at", before - 8 * HOUR)
    if fields.get("dexamethasone_given") == YesNoUnknown.YES:
        fields.setdefault("dexamethasone_first_dose_at", before - 7 * HOUR)
    for name, value in fields.items():
        setattr(referral, name, value)
    drafts.referral_save(referral=referral, user=user)
    if submit:
        referral = drafts.referral_submit(referral_id=referral.pk, user=user, accept_gaps=True)
    return referral


def _back_date(referral: Referral, submitted_ago: dt.timedelta, advice_after: dt.timedelta | None = None) -> None:
    """Demo only: move a referral's times into the past so its clocks have a story to tell."""
    submitted = timezone.now() - submitted_ago
    Referral.objects.filter(pk=referral.pk).update(submitted_at=submitted, triage_started_at=submitted + HOUR / 4)
    if advice_after is not None:
        Advice.objects.filter(referral=referral).update(given_at=submitted + advice_after)
        Referral.objects.filter(pk=referral.pk, plan_confirmed_at__isnull=False).update(
            plan_confirmed_at=submitted + advice_after
        )


def _organisations() -> dict[str, Organisation]:
    Organisation.objects.create(name=SERVICE[0], ods_code=SERVICE[1], region="North", is_service=True)
    return {
        code: Organisation.objects.create(name=name, ods_code=code, region=region) for name, code, region in HOSPITALS
    }


def _referrers(orgs: dict[str, Organisation], password: str) -> dict[str, Any]:
    users = {}
    now = timezone.now()
    for username, given, family, code, job, phone in REFERRERS:
        user = get_user_model().objects.create_user(
            username, f"{username}@example.org", password, first_name=given, last_name=family
        )
        Referrer.objects.create(
            user=user, organisation=orgs[code], job_title=job, phone=phone, email_confirmed_at=now, approved_at=now
        )
        assign_referrer(user)
        users[username] = user
    return users


@dataclass(frozen=True)
class Story:
    """One demo referral and what has happened to it: the state it shows and the clocks' story."""

    by: str  # who entered it: a referrer's username, or "mscc" taking it by phone
    fields: dict[str, Any]  # over _base(n); an empty `n` makes a draft with these fields only
    n: int | None
    ago: dt.timedelta = dt.timedelta()  # how long ago it was submitted
    phoned_from: str = ""  # the ODS code of the organisation that phoned
    taken: bool = False  # triage started, no advice yet
    advice: tuple[str, str, str, str] | None = None  # outcome, text, spinal precautions, who gave it
    advice_after: dt.timedelta | None = None  # after submission
    messages: tuple[tuple[str, str], ...] = ()  # (who, text) on the thread
    accept: bool = False  # for a demo patient with only closed cases (a new case from the referral)
    decline: str = ""  # the reason


NEURO = ["limb_weakness", "sensory_loss", "pain_thoracic_or_cervical"]
MINUTE = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)
FLAT = Precautions.FLAT_LOG_ROLL
NONE_NEEDED = Precautions.NONE_NEEDED
STORIES = [
    # A draft Rhian started and has not finished: the patient and the cancer so far.
    Story(
        "referrer",
        {
            "given_name": "Wyn",
            "family_name": "Parry",
            "nhs_number": _nhs(11),
            "date_of_birth": dt.date(1955, 7, 21),
            "sex": Sex.MALE,
            "primary_site": PrimarySite.PROSTATE,
            "histology": "Adenocarcinoma, Gleason 4+4",
        },
        None,
    ),
    # New, with neurology, 40 minutes ago: the advice clock is about to be at risk.
    Story(
        "referrer",
        {
            "given_name": "Eleri",
            "family_name": "Vaughan",
            "date_of_birth": dt.date(1961, 4, 2),
            "red_flags": NEURO,
            "neurology_detail": "Power 3/5 both legs, sensory level T8.",
            "frankel_grade": "C",
        },
        12,
        ago=40 * MINUTE,
    ),
    # New, pain only, three hours ago from Hillside: the advice target is breached.
    Story(
        "referrer2",
        {
            "given_name": "Gareth",
            "family_name": "Lloyd",
            "date_of_birth": dt.date(1950, 9, 30),
            "sex": Sex.MALE,
            "primary_site": PrimarySite.PROSTATE,
            "histology": "Adenocarcinoma",
            "red_flags": ["nocturnal_pain", "pain_lumbar_progressive"],
            "dexamethasone_given": YesNoUnknown.NO,
            "dexamethasone_dose_mg": None,
            "mri_at": None,
            "mri_done": YesNoUnknown.NO,
            "mri_where": "",
            "images_sent": "",
            "accession_number": "",
        },
        13,
        ago=3 * HOUR,
    ),
    # In triage, taken by the MSCC coordinator an hour ago.
    Story(
        "referrer",
        {
            "given_name": "Nia",
            "family_name": "Morgan",
            "date_of_birth": dt.date(1972, 1, 15),
            "red_flags": ["radicular_pain"],
            "primary_site": PrimarySite.LUNG_NSCLC,
            "histology": "Adenocarcinoma",
        },
        14,
        ago=HOUR,
        taken=True,
    ),
    # Advice given (radiotherapy locally), yesterday, with a message thread.
    Story(
        "referrer2",
        {
            "given_name": "Ifan",
            "family_name": "Rees",
            "date_of_birth": dt.date(1948, 6, 8),
            "sex": Sex.MALE,
            "primary_site": PrimarySite.MYELOMA,
            "histology": "IgG myeloma",
            "red_flags": ["mechanical_pain"],
        },
        15,
        ago=26 * HOUR,
        advice=(
            Outcome.RADIOTHERAPY_LOCALLY,
            "No cord compression on the images. Palliative radiotherapy 8 Gy/1 locally.",
            NONE_NEEDED,
            "mscc",
        ),
        advice_after=90 * MINUTE,
        messages=(
            ("referrer2", "Thank you. The oncology team will book the radiotherapy today."),
            ("mscc", "Good. Refer again at once if his legs get weaker."),
        ),
    ),
    # Accepted and listed for the MDT: the patient's name, birth date and NHS number come from the demo patient.
    Story(
        "referrer",
        {"red_flags": NEURO, "frankel_grade": "D"},
        16,
        ago=2 * DAY,
        advice=(
            Outcome.LIST_FOR_MDT,
            "Unstable T10 lesion: flat bed rest and log roll; transfer for surgical review; list for the MDT.",
            FLAT,
            "surgeon",
        ),
        advice_after=75 * MINUTE,
        accept=True,
    ),
    # Declined: not MSCC, five days ago.
    Story(
        "referrer2",
        {
            "given_name": "Sian",
            "family_name": "Price",
            "date_of_birth": dt.date(1980, 2, 20),
            "red_flags": ["localised_tenderness"],
            "primary_site": PrimarySite.OTHER,
            "histology": "No cancer history",
        },
        17,
        ago=5 * DAY,
        advice=(
            Outcome.NOT_MSCC,
            "Degenerative disease on the MRI; no metastases. Manage with the spinal physiotherapists.",
            NONE_NEEDED,
            "mscc",
        ),
        advice_after=50 * MINUTE,
        decline="Not MSCC: degenerative disease, no cancer.",
    ),
    # Taken by phone from Coastal District (no referrer account) 20 minutes ago; acknowledged by email.
    Story(
        "mscc",
        {
            "referrer_name": "Dr Owen Jones",
            "referrer_role": "Medical registrar",
            "referrer_phone": "01632 960 303",
            "referrer_email": "owen.jones@nhs.net",
            "given_name": "Alys",
            "family_name": "Griffith",
            "date_of_birth": dt.date(1966, 11, 11),
            "red_flags": ["bladder_bowel_dysfunction", "gait_difficulty"],
        },
        18,
        ago=20 * MINUTE,
        phoned_from="DEMO3",
    ),
]


def _patient_without_open_case() -> Patient | None:
    with_nhs = Patient.objects.filter(nhs_number__isnull=False, died_on__isnull=True).order_by("pk")
    open_cases = Case.objects.filter(patient=OuterRef("pk")).exclude(status=CaseStatus.CLOSED)
    return with_nhs.filter(~Exists(open_cases)).first() or with_nhs.first()


def _tell(story: Story, users: dict[str, Any], orgs: dict[str, Organisation]) -> None:
    """Make one story's referral through the services, then move its times back."""
    fields = dict(story.fields)
    if story.accept:
        patient = _patient_without_open_case()
        if patient is None:
            return
        fields.update(
            given_name=patient.given_name,
            family_name=patient.family_name,
            date_of_birth=patient.date_of_birth,
            nhs_number=patient.nhs_number,
            sex=patient.sex,
            primary_site=patient.primary_site,
            histology=patient.primary_site_detail,
            mri_modality=Modality.MRI_WHOLE_SPINE,  # before the referral (_make): it meets the case's MRI clock
        )
    org = orgs[story.phoned_from] if story.phoned_from else None
    if story.n is None:
        _make(users[story.by], org, fields, submit=False)
        return
    referral = _make(users[story.by], org, _base(story.n, **fields), ago=story.ago)
    mscc = users["mscc"]
    if story.taken or story.advice:
        triage.referral_take(referral_id=referral.pk, user=mscc)
    if story.advice:
        outcome, text, precautions, by = story.advice
        triage.advice_give(referral_id=referral.pk, user=users[by], fields=_advice_fields(outcome, text, precautions))
    for who, body in story.messages:
        triage.message_post(referral=referral, user=users[who], body=body)
    if story.accept:
        case = accept.referral_accept(referral_id=referral.pk, user=mscc, mrn="")
        submitted = timezone.now() - story.ago
        # Suspected no later than the referrer's MRI (referrals.services.accept), which the story puts before it.
        Case.objects.filter(pk=case.pk, referred_at__gt=submitted).update(referred_at=submitted)
    if story.decline:
        triage.referral_decline(referral_id=referral.pk, user=mscc, reason=story.decline)
    _back_date(referral, story.ago, story.advice_after)


def _advice_fields(outcome: str, text: str, precautions: str) -> dict[str, Any]:
    return {
        "outcome": outcome,
        "advice": text,
        "precautions": precautions,
        "stability_cleared_by": "",
        "stability_cleared_at": None,
        "steroid_advice": "Continue dexamethasone 16 mg daily with a proton pump inhibitor; monitor glucose.",
    }


def _rota(mscc: Any) -> None:
    """The MSCC coordinator on duty for the coming week, from midnight today (the inbox names them)."""
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time()))
    DutyShift.objects.create(coordinator=mscc, starts_at=start, ends_at=start + 7 * DAY, note="Demo rota")


def seed(password: str) -> list[tuple[str, str]]:
    if Organisation.objects.filter(ods_code=SERVICE[1]).exists():
        return []
    orgs = _organisations()
    users = _referrers(orgs, password)
    for username in ("mscc", "surgeon"):
        users[username] = get_user_model().objects.get(username=username)
    _rota(users["mscc"])
    for story in STORIES:
        _tell(story, users, orgs)
    return [(username, f"Referrer at {orgs[code].name}") for username, _, _, code, _, _ in REFERRERS]
