"""The generic score machinery: a score is a table of components, options and points, plus bands.

A blank component never counts as 0: the result is marked incomplete and has no total
(docs/clinical-reference.md, "Rules that apply to every calculator").
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, TypeGuard

MDT_NOTICE: Final = "Suggestion to support the MDT's discussion; the MDT makes the decision."

type Option = tuple[int, str]  # (points, label)


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    key: str
    label: str
    action: str | None = None


@dataclass(frozen=True)
class ScoreDefinition:
    score: str
    version: str
    components: Mapping[str, Mapping[str, Option]]
    component_labels: Mapping[str, str]
    bands: tuple[Band, ...]
    warnings: tuple[str, ...] = ()
    """Shown with every result of this score."""
    band_warnings: tuple[str, ...] = ()
    """Shown only when a band (and its action text) is shown."""

    @property
    def min_total(self) -> int:
        return sum(min(points for points, _ in options.values()) for options in self.components.values())

    @property
    def max_total(self) -> int:
        return sum(max(points for points, _ in options.values()) for options in self.components.values())


@dataclass(frozen=True)
class ScoreResult:
    score: str
    version: str
    components: dict[str, str | None]
    points: dict[str, int]
    total: int | None
    complete: bool
    missing: tuple[str, ...]
    band: str | None
    band_label: str | None
    action: str | None
    warnings: tuple[str, ...]
    missing_labels: tuple[str, ...] = ()
    """The missing components by their labels, for clinicians (never the internal keys)."""

    @property
    def known_points(self) -> int:
        """The points of the components given: an incomplete score's total will be at least this."""
        return sum(self.points.values())


def score(definition: ScoreDefinition, values: Mapping[str, str | None]) -> ScoreResult:
    chosen: dict[str, str | None] = {}
    points: dict[str, int] = {}
    for component, options in definition.components.items():
        choice = values.get(component)
        if choice == "":  # a blank form choice is missing, never 0
            choice = None
        # Only None or "" is blank: 0, False or any other non-option is refused, never read as blank (HAZ-013).
        if choice is not None and (not isinstance(choice, str) or choice not in options):
            raise ValueError(f"{component}: {choice!r} is not one of {', '.join(options)}")
        chosen[component] = choice
        if choice is not None:
            points[component] = options[choice][0]
    missing = tuple(component for component, choice in chosen.items() if choice is None)
    total = None if missing else sum(points.values())
    band = None if total is None else _band_for(definition, total)
    return ScoreResult(
        score=definition.score,
        version=definition.version,
        components=chosen,
        points=points,
        total=total,
        complete=not missing,
        missing=missing,
        band=band.key if band else None,
        band_label=band.label if band else None,
        action=band.action if band else None,
        warnings=definition.warnings + (definition.band_warnings if band else ()),
        missing_labels=tuple(definition.component_labels[component] for component in missing),
    )


def _band_for(definition: ScoreDefinition, total: int) -> Band:
    for band in definition.bands:
        if band.low <= total <= band.high:
            return band
    raise ValueError(f"{definition.version}: total {total} is outside every band")


def is_whole_number(value: object) -> TypeGuard[int]:
    """An int that is not a bool (True would otherwise pass as 1)."""
    return isinstance(value, int) and not isinstance(value, bool)
