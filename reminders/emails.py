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

from reminders.kinds import KINDS
from reminders.kinds.base import local
from reminders.models import Reminder

SUBJECT_PREFIX = "[Spinal MDT] "
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
        **kind.context(reminder),
    }


def render(reminder: Reminder) -> Rendered:
    context = context_of(reminder)
    name = f"emails/{reminder.kind}"
    subject = " ".join(render_to_string(f"{name}-subject.txt", context).split())
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
