"""Parsing an HL7 v2 message (hl7apy) into the few facts the feed applies.

hl7apy checks the encoding characters, the segment names and MSH; this module adds what it does
not check in tolerant mode: the segment order of the message types taken here, and that the
segments each needs are present. Anything wrong raises Rejected (acknowledged AR).
Values are read component by component; text is unescaped (\\F\\ \\S\\ \\T\\ \\R\\ \\E\\, \\.br\\).
"""

import re
from dataclasses import dataclass, field
from typing import Any

from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.exceptions import HL7apyException
from hl7apy.parser import parse_message

SUPPORTED = {
    "ADT": {"A01", "A03", "A04", "A08", "A28", "A31", "A40"},
    "ORU": {"R01"},
    "BAR": {"P01"},
}
# The order segments must come in (equal ranks may come in either order, or repeat).
ADT_RANK = {"MSH": 0, "EVN": 1, "PID": 2, "PD1": 3, "MRG": 4, "NK1": 4, "PV1": 5, "PV2": 6}
USED = frozenset({"MSH", "EVN", "PID", "PD1", "MRG", "OBR", "OBX", "PR1"})
# Segments read only for some triggers: an A03's PV1 says whether the patient died (PV1-36, PV1-45).
USED_BY_TRIGGER = {"A03": frozenset({"PV1"})}
_ESCAPES = {"F": "|", "S": "^", "T": "&", "R": "~", "E": "\\", ".br": "\n"}
_ESCAPE = re.compile(r"\\(F|S|T|R|E|\.br)\\")


class Rejected(Exception):
    """The message cannot be taken at all (AR): malformed, or a type this feed does not take."""


@dataclass
class Message:
    raw: str
    control_id: str
    message_code: str  # ADT, ORU
    trigger: str  # A08, R01
    version: str
    sending: tuple[str, str]  # application, facility
    receiving: tuple[str, str]
    sent_at: str
    segments: list[Any] = field(repr=False)

    @property
    def message_type(self) -> str:
        return f"{self.message_code}^{self.trigger}"

    def all(self, name: str) -> list[Any]:
        return [segment for segment in self.segments if segment.name == name]

    def one(self, name: str) -> Any | None:
        found = self.all(name)
        return found[0] if found else None


def unescape(text: str) -> str:
    for _ in range(2):  # hl7apy re-escapes the backslashes of formatting sequences: undo both layers
        text = _ESCAPE.sub(lambda match: _ESCAPES[match[1]], text)
    return text


def components(segment: Any, number: int, repetition: int = 0) -> list[str]:
    """Field `number` of `segment` as its components (1-based positions -> list index + 1)."""
    try:
        repetitions = getattr(segment, f"{segment.name.lower()}_{number}")
        item = repetitions[repetition]
    except (IndexError, HL7apyException, AttributeError):
        return []
    values: dict[int, str] = {}
    for child in item.children:
        position = int(child.name.rsplit("_", 1)[-1]) if child.name[-1].isdigit() else 1
        # The first subcomponent, split before unescaping: an escaped \T\ is a "&" in the text itself.
        values[position] = unescape(child.to_er7().split("&")[0])
    if not values:
        return [unescape(item.to_er7())]
    return [values.get(i, "") for i in range(1, max(values) + 1)]


def value(segment: Any, number: int, position: int = 1, repetition: int = 0) -> str:
    found = components(segment, number, repetition)
    return found[position - 1].strip() if len(found) >= position else ""


def repetitions(segment: Any, number: int) -> list[list[str]]:
    try:
        count = len(getattr(segment, f"{segment.name.lower()}_{number}"))
    except (HL7apyException, AttributeError):
        return []
    return [components(segment, number, i) for i in range(count)]


def parse(raw: str) -> Message:
    text = raw.replace("\r\n", "\r").replace("\n", "\r").strip("\r")
    if not text.startswith("MSH"):
        raise Rejected("The message does not start with an MSH segment.")
    lines = [line for line in text.split("\r") if line]
    names = [line[:3] for line in lines]
    # hl7apy builds an object for every field of every segment: only the segments the feed reads are
    # handed to it (a real ADT carries PV1, NK1, AL1, DG1... that nothing here uses; an A03's PV1 is
    # read). The order and presence checks below still see every segment.
    wanted = USED | USED_BY_TRIGGER.get(_trigger_of(lines[0]), frozenset())
    used = "\r".join(line for line in lines if line[:3] in wanted)
    try:
        parsed = parse_message(used, find_groups=False, validation_level=VALIDATION_LEVEL.TOLERANT)
    except HL7apyException as exc:
        raise Rejected(f"The message could not be parsed: {type(exc).__name__}.") from exc
    except (ValueError, KeyError, IndexError) as exc:
        raise Rejected("The message could not be parsed.") from exc
    msh = parsed.msh
    kind = components(msh, 9)
    message = Message(
        raw=text,
        control_id=value(msh, 10),
        message_code=kind[0] if kind else "",
        trigger=kind[1] if len(kind) > 1 else "",
        version=value(msh, 12),
        sending=(value(msh, 3), value(msh, 4)),
        receiving=(value(msh, 5), value(msh, 6)),
        sent_at=value(msh, 7),
        segments=list(parsed.children),
    )
    if not message.control_id:
        raise Rejected("MSH-10 (message control id) is empty.")
    if message.trigger not in SUPPORTED.get(message.message_code, set()):
        raise Rejected(f"Message type {message.message_type} is not taken by this feed.")
    _check_structure(message, names)
    return message


def _trigger_of(header: str) -> str:
    """The trigger event in MSH-9 read from the text (hl7apy checks MSH itself afterwards)."""
    fields = header.split(header[3:4] or "|")
    if len(fields) < 9 or len(fields[1]) < 1:
        return ""
    kind = fields[8].split(fields[1][0])
    return kind[1] if len(kind) > 1 else ""


def _check_structure(message: Message, names: list[str]) -> None:
    if message.message_code == "ADT":
        for required in ("EVN", "PID"):
            if required not in names:
                raise Rejected(f"{message.message_type} needs a {required} segment.")
        if message.trigger == "A40" and "MRG" not in names:
            raise Rejected("ADT^A40 needs an MRG segment naming the merged patient.")
        ranks = [ADT_RANK[name] for name in names if name in ADT_RANK]
        if ranks != sorted(ranks):
            raise Rejected("Segments are out of order: expected MSH, EVN, PID, PD1, MRG, PV1.")
    elif message.message_code == "BAR":
        if "PID" not in names or "PR1" not in names:
            raise Rejected("BAR^P01 needs PID and PR1 (procedure) segments.")
        if names.index("PID") > names.index("PR1"):
            raise Rejected("Segments are out of order: PID comes before PR1.")
    else:
        if "PID" not in names or "OBR" not in names:
            raise Rejected("ORU^R01 needs PID and OBR segments.")
        if names.index("PID") > names.index("OBR"):
            raise Rejected("Segments are out of order: PID comes before OBR.")
        if "OBX" in names and names.index("OBX") < names.index("OBR"):
            raise Rejected("Segments are out of order: OBX comes after its OBR.")
