"""Email backends used as test doubles (selected through MAILERS or the EMAIL_BACKEND variable).

JournalBackend is for a worker in another process: it appends one line per email to the
file named by MAIL_JOURNAL, after sleeping MAIL_DELAY seconds (the window in which the
reliability test kills the worker). It writes the reminder id, the subject and the body,
so the tests can count emails per reminder and look for patient data in them.
"""

import fcntl
import json
import os
import smtplib
import time
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend

from reminders.emails import REMINDER_HEADER


class JournalBackend(BaseEmailBackend):
    def send_messages(self, messages: Any) -> int:
        time.sleep(float(os.environ.get("MAIL_DELAY", "0")))
        with open(os.environ["MAIL_JOURNAL"], "a") as journal:
            fcntl.flock(journal, fcntl.LOCK_EX)
            for message in messages:
                line = {
                    "reminder": int(message.extra_headers[REMINDER_HEADER]),
                    "to": message.to,
                    "subject": message.subject,
                    "body": message.body,
                    "html": message.alternatives[0].content if message.alternatives else "",
                }
                journal.write(json.dumps(line) + "\n")
        return len(messages)


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def journal(path: str) -> list[dict[str, Any]]:
    if not os.path.exists(path):
        return []
    with open(path) as lines:
        return [json.loads(line) for line in lines if line.strip()]
