"""factory_boy factories for the clinical record and the team."""

import datetime as dt
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts import policy
from cases.choices import CaseStatus, Modality, Presentation, PrimarySite, Sex
from cases.models import Case, Patient, Scan
from cases.validators import nhs_check_digit
from mdt.models import Member


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


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
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
    red_flags = factory.LazyFunction(lambda: ["nocturnal_pain", "limb_weakness"])
    status = CaseStatus.IMAGING


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
    """A Wednesday after today at `hour` local time (the service's zone), `weeks` later."""
    today = timezone.localdate()
    day = today + dt.timedelta(days=(2 - today.weekday()) % 7 or 7, weeks=weeks)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


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
