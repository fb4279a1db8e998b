"""Real-shaped HL7 v2.5 messages from a PAS and a radiology system, for the feed's tests."""

import datetime as dt

ENC = "^~\\&"


def hl7_time(ago: dt.timedelta) -> str:
    """A timestamp `ago` before now, in UTC, as HL7 v2 writes it."""
    return f"{dt.datetime.now(dt.UTC) - ago:%Y%m%d%H%M%S}+0000"


def msh(kind: str, control_id: str, sent: str = "20261130101500") -> str:
    return f"MSH|{ENC}|PAS|RXX01|MDT|RXX01|{sent}||{kind}|{control_id}|P|2.5|||AL|NE|GBR"


def pid(
    mrn: str = "MRN900001",
    nhs: str = "9990000018",
    family: str = "DANIELS",
    given: str = "NATHAN",
    dob: str = "19500517",
    sex: str = "F",
    died_on: str = "",
    died: str = "",
    address: str = "",
) -> str:
    identifiers = f"{mrn}^^^RXX01^MR" + (f"~{nhs}^^^NHS^NH" if nhs else "")
    fields = ["PID", "1", "", identifiers, "", f"{family}^{given}^^^MR", "", dob, sex]
    fields += [""] * (29 - len(fields)) + [died_on, died]
    fields[11] = address  # PID-11, XAD: street^other^city^county^postcode^country^type, repeating with ~
    return "|".join(fields)


def pd1(practice: str = "HIGH STREET SURGERY", code: str = "B12345", gp: str = "G1234567^JONES^ALAN^^^DR") -> str:
    return f"PD1|||{practice}^^^^^^^^^{code}|{gp}"


def adt(trigger: str, control_id: str, *, structure: str | None = None, **patient: str) -> str:
    structure = structure or {"A04": "ADT_A01", "A08": "ADT_A01", "A28": "ADT_A05", "A31": "ADT_A05"}.get(
        trigger, f"ADT_{trigger}"
    )
    return "\r".join(
        [msh(f"ADT^{trigger}^{structure}", control_id), f"EVN|{trigger}|20261130101500", pid(**patient), pd1(),
         "PV1|1|I|WARD1^^^RXX01"]
    )  # fmt: skip


def merge(control_id: str, surviving: str, merged: str) -> str:
    return "\r".join(
        [msh("ADT^A40^ADT_A39", control_id), "EVN|A40|20261130101500", pid(mrn=surviving), f"MRG|{merged}^^^RXX01^MR"]
    )


def report(
    control_id: str,
    accession: str,
    mrn: str = "MRN900001",
    status: str = "F",
    text: str = "No cord compression.",
    performed: str | None = None,
    reported: str | None = None,
) -> str:
    # By default performed two hours ago and reported one hour ago: after any test scan was requested.
    performed = performed or hl7_time(dt.timedelta(hours=2))
    reported = reported or hl7_time(dt.timedelta(hours=1))
    return "\r".join(
        [
            f"MSH|{ENC}|RIS|RXX01|MDT|RXX01|{reported}||ORU^R01^ORU_R01|{control_id}|P|2.5",
            pid(mrn=mrn),
            f"OBR|1||{accession}|MRSPINE^MRI whole spine^L|||{performed}|||||||||||||||{reported}||MR|{status}",
            f"OBX|1|TX|REPORT^Report^L||{text}||||||{status}",
            "OBX|2|TX|REPORT^Report^L||Conclusion: T7 metastasis, ESCC 1b.||||||F",
        ]
    )


def procedures(control_id: str, *pr1s: tuple[str, str], mrn: str = "MRN900001", nhs: str = "9990000018") -> str:
    """BAR^P01 from the PAS: each PR1 a (local procedure code, HL7 time it was done)."""
    segments = [
        msh("BAR^P01^BAR_P01", control_id),
        "EVN|P01|20261130101500",
        pid(mrn=mrn, nhs=nhs),
        "PV1|1|O|RT^^^RXX01",
    ]
    segments += [f"PR1|{n}||{code}^Local procedure^LOCAL||{done}" for n, (code, done) in enumerate(pr1s, start=1)]
    return "\r".join(segments)


def discharge(control_id: str, *, disposition: str, discharged: str = "", occurred: str = "", recorded: str = "",
              **patient: str) -> str:  # fmt: skip
    """ADT^A03 as a PAS sends it when an inpatient leaves: PV1-36 the discharge disposition (HL7 table
    0112), PV1-45 the discharge date/time, EVN-2 when it was recorded and EVN-6 when it occurred."""
    recorded = recorded or hl7_time(dt.timedelta(minutes=5))
    pv1 = ["PV1", "1", "I", "WARD7^B12^1^RXX01", "", "", "", "C1234567^KHAN^AMIR^^^DR", "", "", "370"]
    pv1 += [""] * (19 - len(pv1)) + ["V0045123^^^RXX01^VN"]  # PV1-19 the visit number
    pv1 += [""] * (36 - len(pv1)) + [disposition, "", ""]  # PV1-36, then the place and diet
    pv1 += [""] * (44 - len(pv1)) + [hl7_time(dt.timedelta(days=9)), discharged]  # PV1-44 admitted, -45
    return "\r".join(
        [msh("ADT^A03^ADT_A03", control_id, sent=recorded), f"EVN|A03|{recorded}||||{occurred}",
         pid(**patient), pd1(), "|".join(pv1)]
    )  # fmt: skip
