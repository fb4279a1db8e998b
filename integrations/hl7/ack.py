"""Acknowledgements (original mode): MSA-1 AA, AE or AR and MSA-2 the message's control id."""

import itertools
import re

from django.utils import timezone

_counter = itertools.count(1)
_SPECIAL = re.compile(r"[|^~\\&\r\n]")


def _safe(text: str) -> str:
    """Text for an ACK field: the delimiters replaced by spaces (the outcome never needs them)."""
    return _SPECIAL.sub(" ", text)[:200]


def build(
    *,
    code: str,
    control_id: str,
    text: str = "",
    trigger: str = "",
    version: str = "2.5",
    sending: tuple[str, str] = ("", ""),
    receiving: tuple[str, str] = ("", ""),
) -> str:
    """The ACK, addressed back to the sender (its receiving application becomes ours)."""
    now = timezone.localtime()
    ack_id = f"ACK{now:%Y%m%d%H%M%S}{next(_counter):06d}"
    msh = "|".join(
        [
            "MSH",
            "^~\\&",
            _safe(receiving[0] or "MDT"),
            _safe(receiving[1]),
            _safe(sending[0]),
            _safe(sending[1]),
            f"{now:%Y%m%d%H%M%S}",
            "",
            f"ACK^{_safe(trigger)}^ACK" if trigger else "ACK",
            ack_id,
            "P",
            _safe(version or "2.5"),
        ]
    )
    return f"{msh}\rMSA|{code}|{_safe(control_id)}|{_safe(text)}"


def control_id_of(raw: str) -> str:
    """MSH-10 read without a parser, for acknowledging a message that could not be parsed."""
    first = raw.replace("\n", "\r").split("\r", 1)[0]
    if not first.startswith("MSH") or len(first) < 4:
        return ""
    fields = first.split(first[3])
    return fields[9] if len(fields) > 9 else ""
