"""The demo team: a person in every MDT role, an auditor and a superuser, all with one demo password."""

import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

from accounts.roles import assign_read_only, assign_role
from cases.validators import nhs_check_digit
from mdt.models import Member

DEMO_PASSWORD = "spine-demo-2026"  # noqa: S105 - demo only; the command refuses to run with DEBUG off


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    job_title: str


TEAM = [
    DemoUser("coordinator", "Carys", "Evans", Member.Role.MDT_COORDINATOR, "MDT coordinator"),
    DemoUser("mscc", "Priya", "Shah", Member.Role.MSCC_COORDINATOR, "MSCC coordinator (clinical nurse specialist)"),
    DemoUser("oncologist", "Oliver", "Grant", Member.Role.ONCOLOGIST, "Consultant clinical oncologist"),
    DemoUser("surgeon", "Sofia", "Marin", Member.Role.SPINAL_SURGEON, "Consultant spinal surgeon"),
    DemoUser("radiologist", "Rhys", "Okafor", Member.Role.RADIOLOGIST, "Consultant neuroradiologist"),
    DemoUser("palliative", "Hannah", "Liu", Member.Role.PALLIATIVE_CARE, "Palliative care consultant"),
    DemoUser("physio", "Tom", "Byrne", Member.Role.PHYSIOTHERAPIST, "Clinical specialist physiotherapist"),
    DemoUser("nurse", "Grace", "Adeyemi", Member.Role.NURSE_SPECIALIST, "Acute oncology nurse specialist"),
]

GIVEN = [
    "Alice",
    "Bashir",
    "Ceri",
    "David",
    "Elena",
    "Farah",
    "George",
    "Hywel",
    "Irene",
    "James",
    "Kiran",
    "Lowri",
    "Mohammed",
    "Nia",
    "Owen",
    "Patricia",
    "Rajesh",
    "Sian",
    "Terry",
    "Ursula",
    "Vikram",
    "Wendy",
]
FAMILY = [
    "Ahmed",
    "Bowen",
    "Clarke",
    "Davies",
    "Edwards",
    "Fischer",
    "Griffiths",
    "Hughes",
    "Iqbal",
    "Jones",
    "Kowalski",
    "Lewis",
    "Morgan",
    "Nowak",
    "O'Brien",
    "Price",
    "Rees",
    "Smith",
    "Thomas",
    "Williams",
]
GPS = [
    ("Dr A. Pritchard", "Riverside Surgery", "12 Quay Street, Cardiff CF10 1AA"),
    ("Dr M. Begum", "Heath Medical Centre", "3 Heath Park Avenue, Cardiff CF14 4XW"),
    ("Dr J. Holt", "Valley Practice", "1 Station Road, Pontypridd CF37 1AB"),
]


def demo_nhs_number(rng: random.Random) -> str:
    """A valid NHS number in the 999 range, which the NHS never issues to real people."""
    while True:
        first_nine = "999" + "".join(str(rng.randrange(10)) for _ in range(6))
        check = nhs_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"


def seed_team() -> list[tuple[str, str]]:
    User = get_user_model()
    created: list[tuple[str, str]] = []
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@example.org", DEMO_PASSWORD, first_name="Site", last_name="Admin")
        created.append(("admin", "Superuser (everything)"))
    for person in TEAM:
        user, was_created = User.objects.get_or_create(
            username=person.username,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": f"{person.username}@example.org",
            },
        )
        if not was_created:
            continue
        assert isinstance(user, AbstractUser)
        user.set_password(DEMO_PASSWORD)
        user.save()
        Member.objects.create(user=user, role=person.role, job_title=person.job_title)
        assign_role(user, person.role)  # the role's groups: what each person may see and do
        created.append((person.username, Member.Role(person.role).label))
    auditor, was_created = User.objects.get_or_create(
        username="auditor",
        defaults={"first_name": "Ada", "last_name": "Morris", "email": "auditor@example.org"},
    )
    if was_created:
        assert isinstance(auditor, AbstractUser)
        auditor.set_password(DEMO_PASSWORD)
        auditor.save()
        assign_read_only(auditor)
        created.append(("auditor", "Read-only (audit and management)"))
    return created
