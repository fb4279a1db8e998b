"""Receiving one HL7 v2 message: parse, apply once, record, acknowledge.

Guarantees:
- every message is recorded (FeedMessage) with its raw text, acknowledgement and outcome,
  whatever happens to it, in the database only (the log line names the row, type and code);
- a message control id is applied at most once: the applied row is written first, inside the
  transaction, under a partial unique constraint, so a resend (even a concurrent one) is
  recorded as a duplicate, changes nothing and is acknowledged AA again;
- AR: the message cannot be taken (malformed, bad encoding characters, wrong segment order,
  a type this feed does not take); AE: understood but not applied (unknown patient, a value
  the record's validation refuses, a report for another patient's scan); AA: applied, possibly
  with conflicts flagged for a coordinator;
- everything a message changes is written through the models' validation and history, under
  the feed's system user, in one transaction: a message is applied whole or not at all.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from integrations.hl7 import ack, parse
from integrations.hl7.errors import FeedError
from integrations.hl7.handlers import HANDLERS
from integrations.hl7.values import BadValue
from integrations.models import FeedMessage

logger = logging.getLogger(__name__)
Status, Ack = FeedMessage.Status, FeedMessage.Ack


def _ack_for(message: parse.Message | None, raw: str, code: str, text: str) -> str:
    if message is None:
        return ack.build(code=code, control_id=ack.control_id_of(raw), text=text)
    return ack.build(
        code=code, control_id=message.control_id, text=text, trigger=message.trigger, version=message.version,
        sending=message.sending, receiving=message.receiving,
    )  # fmt: skip


def _record(raw: str, message: parse.Message | None, status: str, code: str, outcome: str) -> FeedMessage:
    row = FeedMessage.objects.create(
        raw=raw, control_id=message.control_id if message else ack.control_id_of(raw)[:50],
        message_type=message.message_type if message else "", status=status, ack_code=code, outcome=outcome,
    )  # fmt: skip
    return row


def feed_message_receive(raw: str) -> tuple[FeedMessage, str]:
    """Take one message (without MLLP framing); return its audit row and the ACK to send back."""
    if "\x00" in raw:
        # HL7 text never holds NUL, and PostgreSQL text cannot store it: keep it visibly escaped.
        raw = raw.replace("\x00", "\\x00")
        text = "The message contains NUL characters."
        return _done(_record(raw, None, Status.REJECTED, Ack.AR, text), _ack_for(None, raw, Ack.AR, text))
    try:
        message = parse.parse(raw)
    except parse.Rejected as exc:
        row = _record(raw, None, Status.REJECTED, Ack.AR, str(exc))
        return _done(row, _ack_for(None, raw, Ack.AR, str(exc)))
    try:
        with transaction.atomic():
            row = _record(raw, message, Status.APPLIED, Ack.AA, "")
            patient, outcome = HANDLERS[message.message_type](message, row)
            row.patient, row.outcome = patient, outcome
            row.save(update_fields=["patient", "outcome", "needs_review"])
        return _done(row, _ack_for(message, raw, Ack.AA, outcome))
    except IntegrityError:
        return _duplicate(raw, message)
    except (FeedError, BadValue) as exc:
        text = str(exc)
    except ValidationError as exc:
        text = "The record refused the change: " + "; ".join(
            f"{name}: {' '.join(errors)}" for name, errors in exc.message_dict.items()
        ) if hasattr(exc, "error_dict") else "; ".join(exc.messages)  # fmt: skip
    row = _record(raw, message, Status.ERROR, Ack.AE, text)
    return _done(row, _ack_for(message, raw, Ack.AE, text))


def _duplicate(raw: str, message: parse.Message) -> tuple[FeedMessage, str]:
    first = FeedMessage.objects.get(control_id=message.control_id, status=Status.APPLIED)
    if first.raw != message.raw and first.raw != raw:
        text = f"Message control id {message.control_id} was already used for a different message: not applied."
        row = _record(raw, message, Status.ERROR, Ack.AE, text)
        return _done(row, _ack_for(message, raw, Ack.AE, text))
    text = f"Already applied (message {first.pk}): nothing changed."
    row = _record(raw, message, Status.DUPLICATE, Ack.AA, text)
    row.patient_id = first.patient_id
    row.save(update_fields=["patient"])
    return _done(row, _ack_for(message, raw, Ack.AA, text))


def _done(row: FeedMessage, acknowledgement: str) -> tuple[FeedMessage, str]:
    # Ids, types and codes only: the message and its outcome hold patient data.
    logger.info("hl7 message %s %s -> %s", row.pk, row.message_type or "(unparsed)", row.ack_code)
    if row.needs_review:
        logger.warning("hl7 message %s needs a coordinator's review", row.pk)
    return row, acknowledgement
