"""Every score by its stored version key, so stored components can be rescored."""

from collections.abc import Mapping
from typing import Final

from cases.scoring.machinery import ScoreDefinition, ScoreResult, score
from cases.scoring.sins_2010 import SINS
from cases.scoring.tokuhashi_2005 import TOKUHASHI_REVISED
from cases.scoring.tomita_2001 import TOMITA

SCORES: Final[Mapping[str, ScoreDefinition]] = {
    definition.version: definition for definition in (SINS, TOKUHASHI_REVISED, TOMITA)
}


def calculate(version: str, components: Mapping[str, str | None]) -> ScoreResult:
    """Score stored components by version key (e.g. "sins_2010"); absent components are missing."""
    definition = SCORES.get(version)
    if definition is None:
        raise ValueError(f"{version!r} is not one of {', '.join(SCORES)}")
    unknown = [key for key in components if key not in definition.components]
    if unknown:
        raise ValueError(f"{version}: unknown component(s) {', '.join(unknown)}")
    return score(definition, components)
