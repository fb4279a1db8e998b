"""A reminder as an email: subject, text and HTML from templates/emails/<kind>-*.

Emails leave the app's access control, so every template names the patient by MRN only (the
kinds' context functions never pass a name, NHS number or clinical text) and links back to
the app, where the recipient signs in to see the rest.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from mdt.models import Member
from reminders.kinds import KINDS
from reminders.kinds.base import local
from reminders.models import Reminder

SUBJECT_PREFIX = "[Spinal MDT] "
# Before the subject of a reminder made for a last-resort recipient (Reminder.last_resort_for; HAZ-021).
LAST_RESORT_PREFIX = "Last resort: "
# Names the outbox row, so a mail log can be matched to it (and tests can count per reminder).
REMINDER_HEADER = "X-MDT-Reminder"
# Everything the templates and the kinds' context functions read, in one query.
RELATED = (
    "recipient",
    "case__patient",
    "scan",
    "meeting",
    "agenda_item__meeting",
    "decision",
    "sign_off__decision",
    "sign_off__member__user",
    "follow_up",
    "referral__organisation",
    "referral_advice",
)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def context_of(reminder: Reminder) -> dict[str, Any]:
    kind = KINDS[reminder.kind]
    recipient = reminder.recipient
    return {
        "reminder": reminder,
        "kind_label": kind.label,
        "recipient_name": (recipient.get_full_name() or recipient.get_username()) if recipient else "colleague",
        "has_account": recipient is not None,
        "due_at": local(reminder.due_at),
        "link": settings.SITE_URL + kind.path(reminder),
        "site_url": settings.SITE_URL,
        "last_resort_roles": last_resort_roles(reminder),
        **kind.context(reminder),
    }


def last_resort_roles(reminder: Reminder) -> str:
    """The roles nobody held when a last-resort reminder was made, in words ("the role of Radiologist", "any of
    the roles MSCC coordinator or MDT coordinator", "any role in the team"); empty for any other reminder."""
    roles = [role for role in reminder.last_resort_for.split(",") if role in Member.Role.values]
    labels = [str(Member.Role(role).label) for role in roles]
    if len(roles) == len(Member.Role.values):
        return "any role in the team"
    if len(labels) > 1:
        return f"any of the roles {', '.join(labels[:-1])} or {labels[-1]}"
    return f"the role of {labels[0]}" if labels else ""


def render(reminder: Reminder) -> Rendered:
    context = context_of(reminder)
    name = f"emails/{reminder.kind}"
    subject = " ".join(render_to_string(f"{name}-subject.txt", context).split())
    if context["last_resort_roles"]:
        subject = LAST_RESORT_PREFIX + subject
    return Rendered(
        subject=SUBJECT_PREFIX + subject,
        text=render_to_string(f"{name}-body.txt", context),
        html=render_to_string(f"{name}-body.html", context),
    )


def message_for(reminder: Reminder, rendered: Rendered) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.address] if reminder.address else [],
        headers={REMINDER_HEADER: str(reminder.pk)},
    )
    message.attach_alternative(rendered.html, "text/html")
    return message
