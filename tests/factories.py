"""Every record a test needs, made in one place: factory_boy factories for the clinical record,
the team and meetings; users in each role made the way production makes them; makers for the
records reminders and reports are about, at chosen times."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts import policy
from accounts.roles import assign_read_only, assign_role
from cases.choices import CaseStatus, Modality, Presentation, PrimarySite, Sex, TreatmentModality
from cases.models import Case, Patient, Scan
from cases.validators import nhs_check_digit
from core.timezones import local_datetime
from mdt.models import AgendaItem, Decision, FollowUp, Intent, Meeting, Member, SignOff


def valid_nhs_number(n: int) -> str:
    """The n-th valid NHS number in the 999 test range."""
    # About 1 in 11 prefixes has no valid check digit; n * 16 leaves room to step past them.
    candidate = n * 16
    while True:
        first_nine = f"99{candidate % 10**7:07d}"
        check = nhs_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"
        candidate += 1


# Staff are named from their own pool, no part of which Faker can give a patient (tests/test_factories.py):
# a check that a patient's name is absent must not fail because a clinician shares it (it once did).
# fmt: off
STAFF_GIVEN_NAMES = [
    "Aderyn", "Caradog", "Dilwyn", "Eiluned", "Ffion", "Heulwen", "Iolo", "Meirion", "Nerys", "Owain", "Peredur",
    "Sioned", "Tegwen", "Ynyr", "Alaw", "Cadfael", "Dyfrig", "Elystan", "Hywel", "Islwyn", "Mabon", "Olwen",
    "Trystan", "Wynfor", "Angharad", "Berwyn", "Ceinwen",
]
STAFF_FAMILY_NAMES = [
    "Bryngwyn", "Bodfari", "Cilgerran", "Dolwyddelan", "Erbistock", "Gwaenysgor", "Henllan", "Nantmor", "Penmachno",
    "Sarnau", "Trefeglwys", "Ystradgynlais", "Glyndwr",
]
# fmt: on


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Iterator(STAFF_GIVEN_NAMES)
    last_name = factory.Iterator(STAFF_FAMILY_NAMES)
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory)
    role = Member.Role.ONCOLOGIST


def coordinator(username: str = "coordinator") -> Any:
    """An MDT coordinator with the admin permissions seed_demo gives."""
    user = UserFactory(username=username, is_staff=True)
    codenames = [f"{a}_{m}" for m in ("patient", "case", "scan") for a in ("add", "change", "view")]
    user.user_permissions.add(*Permission.objects.filter(codename__in=[*codenames, "view_user", "view_member"]))
    MemberFactory(user=user, role=Member.Role.MDT_COORDINATOR)
    return user


def clinician(username: str = "radiologist", role: str = Member.Role.RADIOLOGIST) -> Any:
    user = UserFactory(username=username)
    if role in policy.SCAN_REVIEWER_ROLES:
        user.user_permissions.add(Permission.objects.get(codename="review_scan"))
    MemberFactory(user=user, role=role)
    return user


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    mrn = factory.Sequence(lambda n: f"MRN{n:06d}")
    nhs_number = factory.Sequence(valid_nhs_number)
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    date_of_birth = dt.date(1950, 5, 17)
    sex = Sex.FEMALE
    primary_site = PrimarySite.BREAST


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    patient = factory.SubFactory(PatientFactory)
    referred_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2))
    presentation = Presentation.SUSPECTED_MSCC
    # Flags that fit the pathway, as Case.clean and the database require: neurology only with suspected MSCC.
    red_flags = factory.LazyAttribute(
        lambda case: (
            ["nocturnal_pain", "limb_weakness"]
            if case.presentation == Presentation.SUSPECTED_MSCC
            else ["nocturnal_pain"]
        )
    )
    status = CaseStatus.IMAGING
    closed_reason = factory.LazyAttribute(lambda case: "completed" if case.status == CaseStatus.CLOSED else "")


class ScanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scan

    case = factory.SubFactory(CaseFactory)
    modality = Modality.MRI_WHOLE_SPINE
    requested_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))

    class Params:
        performed = factory.Trait(performed_at=factory.LazyAttribute(lambda s: s.requested_at + dt.timedelta(hours=3)))


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A complete SINS at T7 by default (total 9: potentially unstable)."""

    class Meta:
        model = "cases.Assessment"

    case = factory.SubFactory(CaseFactory)
    kind = "sins"
    version = "sins_2010"
    level = "T7"
    components = factory.LazyFunction(
        lambda: {
            "location": "semirigid",
            "pain": "mechanical",
            "bone_lesion": "lytic",
            "alignment": "normal",
            "vertebral_body_collapse": "lt50",
            "posterolateral_involvement": "unilateral",
        }
    )
    total = 9
    band = "potentially_unstable"
    complete = True
    assessed_by = factory.SubFactory(UserFactory)


# --------------------------------------------------------------------------- meetings (mdt)


def next_wednesday_at(hour: int = 13, weeks: int = 0) -> dt.datetime:
    """A Wednesday at least three days after today at `hour` local time (the service's zone), `weeks`
    later: far enough that its agenda (closing two days before, at noon) is still open whatever the day
    and time the tests run (on a Monday afternoon, this Wednesday's agenda has closed)."""
    today = timezone.localdate()
    ahead = (2 - today.weekday()) % 7
    day = today + dt.timedelta(days=ahead if ahead >= 3 else ahead + 7, weeks=weeks)
    return local_datetime(day, dt.time(hour, 0))


class MeetingFactory(factory.django.DjangoModelFactory):
    """Next week's meeting, 13:00 to 15:00, agenda closing two days before at noon."""

    class Meta:
        model = "mdt.Meeting"

    starts_at = factory.Sequence(lambda n: next_wednesday_at(weeks=n))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + dt.timedelta(hours=2))
    agenda_closes_at = factory.LazyAttribute(lambda m: m.starts_at - dt.timedelta(days=2, hours=1))
    location = "Seminar room 2"

    class Params:
        # Outcomes and attendance are recorded from the start of the meeting: one that began a minute ago.
        under_way = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(minutes=1)),
            status="in_progress",
        )


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mdt.AgendaItem"

    meeting = factory.SubFactory(MeetingFactory)
    case = factory.SubFactory(CaseFactory)
    position = factory.Sequence(lambda n: n + 1)
    question = "Radiotherapy alone, or surgery first?"


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mdt.Attendance"

    meeting = factory.SubFactory(MeetingFactory)
    member = factory.SubFactory(MemberFactory)
    present = True


TOKUHASHI_COMPLETE = {
    "general_condition": "good",
    "extraspinal_bone_mets": "zero",
    "vertebral_body_mets": "one",
    "major_organ_mets": "none",
    "primary_site": "p3",
    "palsy": "none",
}


# --------------------------------------------------------------------------- users in each role

PASSWORD = "correct-horse-battery"  # UserFactory's


def team_user(username: str, role: str) -> Any:
    """A user with an MDT role, in the groups `assign_role` gives that role."""
    user = UserFactory(username=username)
    MemberFactory(user=user, role=role)
    assign_role(user, role)
    return user


def coordinator_user(username: str = "coordinator") -> Any:
    return team_user(username, Member.Role.MDT_COORDINATOR)


def clinician_user(username: str = "radiologist", role: str = Member.Role.RADIOLOGIST) -> Any:
    return team_user(username, role)


def read_only_user(username: str = "auditor") -> Any:
    user = UserFactory(username=username)
    assign_read_only(user)
    return user


def no_role_user(username: str = "nobody") -> Any:
    """Signed in, but in no group and not in the team: what a new account looks like."""
    return UserFactory(username=username)


ROLE_MAKERS = {
    "coordinator": coordinator_user,
    "clinician": clinician_user,
    "read_only": read_only_user,
    "no_role": no_role_user,
}


# --------------------------------------------------------------------------- records at chosen times

LONDON = ZoneInfo("Europe/London")


def local(*args: int) -> dt.datetime:
    """A London wall-clock time as a UTC datetime, so that adding a timedelta adds elapsed time."""
    return dt.datetime(*args, tzinfo=LONDON).astimezone(dt.UTC)


def whole_spine_mri(case: Any, at: dt.datetime, modality: str = Modality.MRI_WHOLE_SPINE) -> Any:
    return ScanFactory(case=case, modality=modality, requested_at=at - dt.timedelta(hours=1), performed_at=at)


def mscc_case(start: dt.datetime, mri_at: dt.datetime | None = None, **kwargs: Any) -> Any:
    """Suspected MSCC with neurology: the 24-hour MRI clock starts at `start`."""
    case = CaseFactory(presentation=Presentation.SUSPECTED_MSCC, suspected_diagnosis_at=start, **kwargs)
    if mri_at:
        whole_spine_mri(case, mri_at)
    return case


def metastases_case(
    start: dt.datetime, mri_at: dt.datetime | None = None, plan_at: dt.datetime | None = None, **kwargs: Any
) -> Any:
    """Suspected spinal metastases without neurology: the 1-week MRI-and-plan clock starts at `start`."""
    if plan_at is not None:
        kwargs.setdefault("referred_at", min(start, plan_at))  # a plan is agreed after the referral
    case = CaseFactory(
        presentation=Presentation.SUSPECTED_METASTASES,
        red_flags=["nocturnal_pain"],
        suspected_diagnosis_at=start,
        treatment_plan_agreed_at=plan_at,
        **kwargs,
    )
    if mri_at:
        whole_spine_mri(case, mri_at)
    return case


def radiotherapy_case(decided: dt.datetime, started: dt.datetime | None = None, **kwargs: Any) -> Any:
    """A decision to treat with radiotherapy: the 24-hour start clock."""
    fields = {"presentation": Presentation.KNOWN_DISEASE_REVIEW, "treatment_modality": TreatmentModality.RADIOTHERAPY}
    return CaseFactory(**fields | kwargs, decision_to_treat_at=decided, treatment_start_at=started)


def decision(case: Any, at: dt.datetime, treatments: list[str], **kwargs: Any) -> Decision:
    """An urgent (between-meetings) decision: needs no agenda item."""
    return Decision.objects.create(
        case=case,
        urgent=True,
        treatments=treatments,
        intent=Intent.PALLIATIVE,
        rationale=kwargs.pop("rationale", "Test"),
        decided_at=at,
        recorded_by=kwargs.pop("recorded_by", None) or UserFactory(),
        **kwargs,
    )


HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def performed_scan(performed_ago: dt.timedelta, **case_fields: Any) -> Scan:
    """A whole-spine MRI performed `performed_ago`, not reviewed."""
    performed_at = timezone.now() - performed_ago
    case = CaseFactory(**case_fields)
    return ScanFactory(case=case, requested_at=performed_at - 2 * HOUR, performed_at=performed_at)


def meeting(starts_at: dt.datetime, **fields: Any) -> Meeting:
    """A meeting at any time, past ones included (Meeting.clean refuses the past; the ORM does not)."""
    return Meeting.objects.create(
        starts_at=starts_at,
        ends_at=starts_at + 2 * HOUR,
        agenda_closes_at=starts_at - DAY,
        location="Seminar room 2",
        **fields,
    )


def listed_item(on: Meeting, case: Case | None = None, **fields: Any) -> AgendaItem:
    fields.setdefault("question", "Surgery first?")
    return AgendaItem.objects.create(meeting=on, case=case or CaseFactory(), **fields)


def decision_awaiting(member_users: list[Any], decided_at: dt.datetime, case: Case | None = None) -> Decision:
    """An urgent decision awaiting sign-off by each user's team member."""
    made = decision(
        case or CaseFactory(), decided_at, ["cebrt"], rationale="Canary rationale text", recorded_by=member_users[0]
    )
    for user in member_users:
        SignOff.objects.create(decision=made, member=user.member)
    return made


def follow_up(owner: Any, due_on: dt.date, case: Case | None = None, **fields: Any) -> FollowUp:
    return FollowUp.objects.create(
        case=case or CaseFactory(),
        kind="clinic_review",
        due_on=due_on,
        owner=owner.member,
        note="Canary note",
        **fields,
    )


# moderate 1 + one_or_two 1 + two 1 + none 2 + p5 5 + incomplete 1 = 11: 6 months or more
TOKUHASHI_11 = {
    "general_condition": "moderate",
    "extraspinal_bone_mets": "one_or_two",
    "vertebral_body_mets": "two",
    "major_organ_mets": "none",
    "primary_site": "p5",
    "palsy": "incomplete",
}
