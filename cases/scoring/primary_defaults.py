"""Defaults suggested from the primary site: Tokuhashi primary option (docs/clinical-reference.md §2.3),
Tomita growth rate (§3.2) and NOMS radiosensitivity (§5.2). Each is a suggestion the clinician can override.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

PRIMARY_SITES: Final[tuple[str, ...]] = (
    "lung_nsclc",
    "lung_sclc",
    "breast",
    "colon",
    "rectum",
    "prostate",
    "kidney",
    "thyroid",
    "myeloma",
    "lymphoma",
    "melanoma",
    "unknown_primary",
    "other",
)


@dataclass(frozen=True)
class Suggestion[T]:
    """A suggested default for a clinician-chosen field; value None means the clinician must choose."""

    value: T | None
    warnings: tuple[str, ...] = ()


def _lookup(table: Mapping[str, Suggestion[str]], primary_site: str, what: str) -> Suggestion[str]:
    # The warnings never quote the key (e.g. "lung_sclc"): clinicians read labels, not keys (HAZ-019).
    if primary_site in table:
        return table[primary_site]
    if primary_site in PRIMARY_SITES:
        return Suggestion(None, (f"The reference gives no {what} for this primary site: the clinician chooses.",))
    return Suggestion(None, (f"The primary site is not one the reference knows: the clinician chooses the {what}.",))


_TOKUHASHI_PRIMARY: Final[Mapping[str, Suggestion[str]]] = {
    "lung_nsclc": Suggestion("p0"),
    "lung_sclc": Suggestion("p0"),
    "breast": Suggestion("p5"),
    "prostate": Suggestion("p5"),
    "thyroid": Suggestion("p5"),
    "kidney": Suggestion("p3"),
    "rectum": Suggestion("p4"),
    "colon": Suggestion(
        "p2", ("UNVERIFIED: colon is not named in the Tokuhashi table; p2 'others' is a default to override.",)
    ),
    "myeloma": Suggestion(
        "p2",
        (
            "UNVERIFIED: myeloma is not named in the Tokuhashi table, and haematological tumours may be "
            "outside the derivation cohort; p2 'others' is a default to override.",
        ),
    ),
    "unknown_primary": Suggestion("p1"),
}


def tokuhashi_primary_option(primary_site_key: str) -> Suggestion[str]:
    """Suggested Tokuhashi primary_site option (docs/clinical-reference.md §2.3)."""
    return _lookup(_TOKUHASHI_PRIMARY, primary_site_key, "Tokuhashi primary-site option")


_TOMITA_GROWTH: Final[Mapping[str, Suggestion[str]]] = {
    "breast": Suggestion("slow"),
    "thyroid": Suggestion("slow"),
    "prostate": Suggestion("slow"),
    "kidney": Suggestion("moderate"),
    "lung_nsclc": Suggestion("rapid"),
    "lung_sclc": Suggestion("rapid"),
    "unknown_primary": Suggestion("rapid"),
}


def tomita_growth_default(primary_site_key: str) -> Suggestion[str]:
    """Suggested Tomita primary_growth (docs/clinical-reference.md §3.2); the growth rate stays a clinician's choice."""
    return _lookup(_TOMITA_GROWTH, primary_site_key, "Tomita growth rate")


RADIOSENSITIVE: Final = "radiosensitive"
RADIORESISTANT: Final = "radioresistant"
RADIOSENSITIVITY_LABELS: Final[Mapping[str, str]] = {
    RADIOSENSITIVE: "Radiosensitive to cEBRT",
    RADIORESISTANT: "Radioresistant to cEBRT",
}

_PARTIAL_HISTOLOGY: Final = "PARTIAL: this histology's class was checked against one source only."
_RADIOSENSITIVITY: Final[Mapping[str, Suggestion[str]]] = {
    "lymphoma": Suggestion(RADIOSENSITIVE),
    "myeloma": Suggestion(RADIOSENSITIVE),
    "breast": Suggestion(RADIOSENSITIVE, (_PARTIAL_HISTOLOGY,)),
    "prostate": Suggestion(RADIOSENSITIVE, (_PARTIAL_HISTOLOGY,)),
    "lung_sclc": Suggestion(
        RADIOSENSITIVE, ("UNVERIFIED: small-cell lung cancer is not in the radiosensitivity lists.",)
    ),
    "kidney": Suggestion(RADIORESISTANT),
    "melanoma": Suggestion(RADIORESISTANT),
    "thyroid": Suggestion(RADIORESISTANT),
    "colon": Suggestion(RADIORESISTANT),
    "rectum": Suggestion(RADIORESISTANT),
    "lung_nsclc": Suggestion(RADIORESISTANT, (_PARTIAL_HISTOLOGY,)),
}


def radiosensitivity_default(primary_site_key: str) -> Suggestion[str]:
    """Suggested NOMS oncologic class (docs/clinical-reference.md §5.2).

    None (other, unknown primary) means the clinician chooses.
    """
    return _lookup(_RADIOSENSITIVITY, primary_site_key, "radiosensitivity")
