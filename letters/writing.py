"""The first draft of a patient's letter, written from the decision or from the advice on a referral,
and how its text is laid out.

The draft is plain text the clinician edits: `# ` starts a heading, `## ` a smaller one, `- ` an
item of a list, a blank line a new paragraph. `blocks` turns it into what the templates print
(escaped: the text can never add markup, so it cannot hide the safety-netting box either).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from cases.models import Patient
from letters.advice_texts import NEXT, OUTCOMES, PRECAUTIONS, STEROIDS
from letters.plain_texts import FOLLOW_UPS, NO_TREATMENT, TREATMENTS
from mdt.models import Decision
from referrals.models import Advice


def _date(value: object) -> str:
    return timezone.localtime(value).strftime("%-d %B %Y")  # type: ignore[arg-type]


def _why(decision: Decision) -> str:
    item = decision.agenda_item
    if item is not None:
        return (
            f"The spinal team met on {_date(item.meeting.starts_at)} to talk about your care. "
            "The team is a group of doctors, nurses and therapists. "
            "They care for people whose cancer has spread to the spine."
        )
    return (
        f"Doctors from the spinal team talked about your care on {_date(decision.decided_at)}. "
        "The whole team will look at the plan again at its next meeting."
    )


def _plan(decision: Decision) -> list[str]:
    chosen = [TREATMENTS[key] for key in decision.treatments if key in TREATMENTS]
    if decision.no_treatment or not chosen:
        chosen = [NO_TREATMENT]
    lines = ["# What we plan to do"]
    for heading, text in chosen:
        lines += ["", f"## {heading}", text]
    return lines


def _next(decision: Decision) -> list[str]:
    follow_ups = [f for f in decision.follow_ups.all() if f.completed_at is None]
    lines = ["# What happens next", ""]
    if follow_ups:
        lines += [f"- {FOLLOW_UPS.get(f.kind, FOLLOW_UPS['other'])} in {f.due_on:%B %Y}." for f in follow_ups]
        lines.append("")
    lines.append("We will contact you to arrange your care. If you are not sure what happens next, please call us.")
    return lines


def _contact() -> list[str]:
    service = settings.MDT_SERVICE_NAME
    phone = settings.MDT_SERVICE_PHONE
    ask = f"call the {service} on {phone}" if phone else f"call the {service}"
    return [
        "# Who to contact",
        "",
        f"If you have a question about this letter, {ask}. You can also ask your GP or your cancer nurse.",
    ]


def draft_body(decision: Decision) -> str:
    """The letter's first draft: why we write, the plan in plain words, what happens next, who to call."""
    patient = decision.case.patient
    lines = [f"Dear {patient.given_name} {patient.family_name},", "", "# Why we are writing", "", _why(decision), ""]
    lines += [*_plan(decision), "", *_next(decision), "", *_contact(), "", "Yours sincerely,"]
    return "\n".join(lines)


def draft_advice_body(advice: Advice, patient: Patient) -> str:
    """The first draft after advice on a referral (no MDT discussion): who asked us and when we answered,
    the advice in plain words (never the referrer's clinical text), what happens next, who to call."""
    organisation = advice.referral.organisation.name
    heading, text = OUTCOMES[advice.outcome]
    lines = [f"Dear {patient.given_name} {patient.family_name},", "", "# Why we are writing", ""]
    lines += [
        f"Your doctors at {organisation} asked the spinal team for advice about your back. "
        f"We gave them our advice on {_date(advice.given_at)}. The team is a group of doctors, nurses and "
        "therapists. They care for people whose cancer has spread to the spine.",
        "",
        "# What we advised",
        "",
        f"## {heading}",
        text,
    ]
    for extra in (PRECAUTIONS.get(advice.precautions), STEROIDS if advice.steroid_advice.strip() else None):
        if extra is not None:
            lines += ["", f"## {extra[0]}", extra[1]]
    lines += ["", "# What happens next", "", NEXT.format(organisation=organisation), "", *_contact()]
    return "\n".join([*lines, "", "Yours sincerely,"])


@dataclass
class Block:
    kind: str  # "h2", "h3", "p" or "ul"
    text: str = ""
    items: list[str] = field(default_factory=list)


def blocks(body: str) -> list[Block]:
    """The letter's text as headings, paragraphs and lists, in order."""
    found: list[Block] = []
    paragraph: list[str] = []

    def close() -> None:
        if paragraph:
            found.append(Block("p", " ".join(paragraph)))
            paragraph.clear()

    for raw in body.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            close()
        elif line.startswith("## ") or line.startswith("# "):
            close()
            level = "h3" if line.startswith("## ") else "h2"
            found.append(Block(level, line.lstrip("#").strip()))
        elif line.startswith("- "):
            close()
            if not found or found[-1].kind != "ul":
                found.append(Block("ul"))
            found[-1].items.append(line[2:].strip())
        else:
            paragraph.append(line)
    close()
    return found
