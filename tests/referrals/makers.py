"""Organisations, referrers and referrals for the tests, made through the services where it matters."""

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from accounts.roles import assign_referrer
from cases.choices import AmbulatoryStatus, PrimarySite, Sex
from referrals.choices import Outcome, Precautions, Status, YesNoUnknown
from referrals.models import Organisation, Referral, Referrer
from referrals.services import drafts, triage
from tests.factories import UserFactory, valid_nhs_number

_ods = itertools.count(1)


def organisation(name: str = "Riverside General Hospital", **fields: Any) -> Organisation:
    fields.setdefault("ods_code", f"RX{next(_ods):03d}")
    return Organisation.objects.create(name=name, region="North", **fields)


def referrer_user(username: str = "referrer", org: Organisation | None = None, *, approved: bool = True) -> Any:
    """A referring clinician with a confirmed, approved account (as sign-up and confirmation make one)."""
    user = UserFactory(username=username, email=f"{username}@nhs.net", first_name="Rhian", last_name="Pugh")
    now = timezone.now()
    Referrer.objects.create(
        user=user,
        organisation=org or Organisation.objects.filter(is_service=False).first() or organisation(),
        job_title="Acute oncology registrar",
        phone="01632 960 001",
        email_confirmed_at=now,
        approved_at=now if approved else None,
    )
    assign_referrer(user)
    return user


COMPLETE: dict[str, Any] = {
    "referrer_name": "Dr Rhian Pugh",
    "referrer_role": "Acute oncology registrar",
    "referrer_phone": "01632 960 001",
    "referrer_email": "referrer@nhs.net",
    "consultant_name": "Dr Alun Price",
    "local_mrn": "RG123456",
    "given_name": "Megan",
    "family_name": "Thomas",
    "date_of_birth": dt.date(1958, 3, 14),
    "sex": Sex.FEMALE,
    "primary_site": PrimarySite.BREAST,
    "histology": "Invasive ductal carcinoma, ER positive",
    "known_metastases": "Bone (ribs, pelvis)",
    "systemic_therapy": "Letrozole",
    "previous_spinal_rt": YesNoUnknown.NO,
    "red_flags": ["limb_weakness", "pain_thoracic_or_cervical"],
    "neurology_detail": "Power 4/5 both legs, sensory level T10, bladder normal.",
    "frankel_grade": "D",
    "ambulatory_status": AmbulatoryStatus.WALKS_WITH_AID,
    "ecog": 2,
    "dexamethasone_given": YesNoUnknown.YES,
    "dexamethasone_dose_mg": 16,
    "mri_done": YesNoUnknown.YES,
    "mri_where": "Riverside General",
    "images_sent": YesNoUnknown.YES,
    "accession_number": "ACC-0042",
    "question": "Cord compression at T10? Surgery or radiotherapy?",
}


def draft(user: Any, **fields: Any) -> Referral:
    """A draft by `user` (a referrer, or the service with `organisation=`), complete unless told otherwise."""
    org = fields.pop("organisation", None)
    referral = drafts.referral_start(user=user, organisation=org)
    values = {**COMPLETE, "nhs_number": valid_nhs_number(5000 + referral.pk), **fields}
    values.setdefault("mri_at", timezone.now() - dt.timedelta(hours=6))
    values.setdefault("dexamethasone_first_dose_at", timezone.now() - dt.timedelta(hours=5))
    for name, value in values.items():
        setattr(referral, name, value)
    return drafts.referral_save(referral=referral, user=user)


def submitted(user: Any, **fields: Any) -> Referral:
    referral = draft(user, **fields)
    return drafts.referral_submit(referral_id=referral.pk, user=user, accept_gaps=True)


def advised(referral: Referral, by: Any, outcome: str = Outcome.LIST_FOR_MDT) -> Referral:
    triage.advice_give(
        referral_id=referral.pk,
        user=by,
        fields={
            "outcome": outcome,
            "advice": "Keep flat, log roll. Continue dexamethasone 16 mg. Transfer for MRI review.",
            "precautions": Precautions.FLAT_LOG_ROLL,
            "stability_cleared_by": "",
            "stability_cleared_at": None,
            "steroid_advice": "Dexamethasone 16 mg daily with PPI cover.",
        },
    )
    referral.refresh_from_db()
    assert referral.status in (Status.ADVICE_GIVEN, Status.ACCEPTED, Status.DECLINED)
    return referral
