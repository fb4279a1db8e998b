"""HL7 v2 values -> the record's values: dates, times, sex, identifiers, names, the GP."""

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.utils import timezone

from cases.fields import normalise_mrn
from core.numbers import ascii_digits
from core.timezones import local_day
from integrations.hl7.parse import components, repetitions, value

SEX = {"F": "female", "M": "male", "O": "other", "A": "other", "U": "not_known", "N": "not_known"}
_TS = re.compile(r"(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.\d+)?([+-]\d{4})?$", re.ASCII)


class BadValue(ValueError):
    """A value the feed cannot use: the message names the field (PID-7), never the value."""


def date_of(text: str, where: str) -> dt.date | None:
    if not text:
        return None
    if len(text) < 8 or not ascii_digits(text[:8]):
        raise BadValue(f"{where} is not a date (YYYYMMDD).")
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError as exc:
        raise BadValue(f"{where} is not a date (YYYYMMDD).") from exc


def time_of(text: str, where: str) -> dt.datetime | None:
    """A DTM: YYYYMMDD[HHMM[SS]][.S][+ZZZZ]; without a zone it is the service's local time."""
    if not text:
        return None
    match = _TS.match(text)
    if not match or not match[3]:
        raise BadValue(f"{where} is not a time (YYYYMMDDHHMM[SS][+ZZZZ]).")
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        naive = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError as exc:
        raise BadValue(f"{where} is not a time (YYYYMMDDHHMM[SS][+ZZZZ]).") from exc
    if zone:
        offset = (int(zone[1:3]) * 60 + int(zone[3:5])) * (1 if zone[0] == "+" else -1)
        return naive.replace(tzinfo=dt.timezone(dt.timedelta(minutes=offset)))
    return timezone.make_aware(naive)


def identifiers(pid: Any) -> tuple[str, str]:
    """(MRN, NHS number) from PID-3: CX.5 MR for the hospital number; CX.5 NH or CX.4 NHS for the NHS number.

    The MRN is in capitals, as the record stores it, so comparing it with a patient's MRN holds
    whatever case the PAS sent."""
    mrn = nhs = ""
    for cx in repetitions(pid, 3):
        number, authority, kind = (cx + [""] * 5)[0], (cx + [""] * 5)[3], (cx + [""] * 5)[4]
        if kind == "MR" and not mrn:
            mrn = normalise_mrn(number)
        elif (kind == "NH" or authority == "NHS") and not nhs:
            nhs = number.replace(" ", "").strip()
    return mrn, nhs


def demographics(pid: Any, pd1: Any | None) -> dict[str, Any]:
    """The fields the feed keeps up to date; an empty HL7 field means "no change", so it is left out."""
    found: dict[str, Any] = {}
    _, nhs = identifiers(pid)
    if nhs:
        found["nhs_number"] = nhs
    family, given = value(pid, 5, 1), value(pid, 5, 2)
    if family:
        found["family_name"] = family.title() if family.isupper() else family
    if given:
        found["given_name"] = given.title() if given.isupper() else given
    if born := date_of(value(pid, 7), "PID-7 (date of birth)"):
        found["date_of_birth"] = born
    sex = value(pid, 8)
    if sex:
        if sex not in SEX:
            raise BadValue("PID-8 (administrative sex) is not one of F, M, O, A, U, N.")
        found["sex"] = SEX[sex]
    if pd1 is not None:
        found.update(_gp(pd1))
    return found


def _gp(pd1: Any) -> dict[str, str]:
    found = {}
    xcn = components(pd1, 4)
    if xcn:
        padded = xcn + [""] * 6
        name = " ".join(part for part in (padded[5].title(), padded[2].title(), padded[1].title()) if part)
        if name:
            found["gp_name"] = name
    xon = components(pd1, 3)
    if xon:
        padded = xon + [""] * 10
        practice, code = padded[0].strip(), (padded[9] or padded[2]).strip()
        if practice or code:
            found["gp_practice"] = f"{practice} ({code})" if practice and code else practice or code
    return found


# PID-11 (XAD) repeats; XAD.7 says which address each is (HL7 table 0190). Kept: the mailing address
# when the PAS sends one, else the home address, else the first with no type, else the first of any
# other type. One the PAS marks bad (BA) is never used.
ADDRESS_PREFERENCE = ("M", "H", "")
ADDRESS_NEVER = frozenset({"BA"})


def address(pid: Any) -> str:
    """The patient's address from PID-11, one line per part (street, other line, town, county,
    postcode); "" when the PAS sent none it may be written to (then the record keeps what it has)."""
    found: dict[str, str] = {}
    for xad in repetitions(pid, 11):
        padded = [part.strip() for part in xad] + [""] * 7
        kind = padded[6].upper()
        lines = "\n".join(part for part in padded[:5] if part)
        if lines and kind not in ADDRESS_NEVER:
            found.setdefault(kind if kind in ADDRESS_PREFERENCE else "other", lines)
    return next((found[kind] for kind in (*ADDRESS_PREFERENCE, "other") if kind in found), "")


def death(pid: Any) -> tuple[bool | None, dt.date | None]:
    """(PID-30 death indicator: True, False or None when absent; PID-29 date of death)."""
    indicator = value(pid, 30)
    died = {"Y": True, "N": False}.get(indicator)
    return died, date_of(value(pid, 29), "PID-29 (date of death)")


def discharge_disposition_died(pv1: Any | None) -> str:
    """PV1-36 when it is one of the codes that say the patient died (settings.HL7_DEATH_DISPOSITIONS: by
    default HL7 table 0112's 20 expired, 40 expired at home, 41 expired in a medical facility, 42 expired,
    place unknown; the codes a PAS uses of its own are the deployment's to list), else "". A code not
    listed is a discharge: 21 to 29 are left to local definition by the standard."""
    code = value(pv1, 36) if pv1 is not None else ""
    return code if code and code in settings.HL7_DEATH_DISPOSITIONS else ""


def discharge_death(pv1: Any, evn: Any | None) -> tuple[dt.date, str]:
    """The date of death of a patient PV1-36 says died at discharge, and the field it was taken from.

    The discharge date/time (PV1-45), else the event's time: when it occurred (EVN-6), else when it
    was recorded (EVN-2)."""
    sources = [(pv1, 45, "PV1-45 (discharge date/time)")]
    if evn is not None:
        sources += [(evn, 6, "EVN-6 (event occurred)"), (evn, 2, "EVN-2 (recorded date/time)")]
    for segment, number, where in sources:
        if at := time_of(value(segment, number), where):
            return local_day(at), where
    raise BadValue("PV1-36 says the patient died but PV1-45, EVN-6 and EVN-2 give no date.")
