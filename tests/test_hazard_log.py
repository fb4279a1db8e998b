"""The hazard log and the tests agree (docs/clinical-safety/safety-case.md §2.4).

Every hazard in docs/clinical-safety/hazard-log.md names at least one test, every test it names exists and
carries `@pytest.mark.hazard("HAZ-NNN")` for that hazard, every hazard marker in the suite names a hazard in
the log, and each rating is the one the risk matrix (safety-case.md §3.3) gives. Tests are found by reading
the test files, not by collecting them, so this holds however much of the suite a run selects.
"""

import ast
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "docs" / "clinical-safety" / "hazard-log.md"
HAZARD_ID = re.compile(r"^HAZ-\d{3}$")

SEVERITIES = ("Minor", "Significant", "Considerable", "Major", "Catastrophic")
# safety-case.md §3.3: likelihood -> ratings for each severity, in SEVERITIES order.
MATRIX = {
    "Very high": (3, 4, 4, 5, 5),
    "High": (2, 3, 3, 4, 5),
    "Medium": (2, 2, 3, 3, 4),
    "Low": (1, 2, 2, 3, 4),
    "Very low": (1, 1, 2, 2, 3),
}
RISK = re.compile(r"^- \*\*Risk (before|after) controls:\*\* (\w+) / ([\w ]+?) = (\d)\s*$")
NODE_ID = re.compile(r"`(tests/[\w/]+\.py::[\w:]+)`")
STATUSES = ("Open", "Controlled", "Transferred", "Closed")


@dataclass
class Hazard:
    id: str
    title: str
    risks: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    tests: list[str] = field(default_factory=list)
    status: str = ""


def read_log(text: str) -> dict[str, Hazard]:
    """Each `### HAZ-NNN Title` section: its two risk lines, the node ids under Tests, its status."""
    hazards: dict[str, Hazard] = {}
    current: Hazard | None = None
    in_tests = False
    for line in text.splitlines():
        heading = re.match(r"^### (HAZ-\d{3}) (.+)$", line)
        if heading:
            assert heading[1] not in hazards, f"{heading[1]} appears twice in the hazard log"
            current = hazards.setdefault(heading[1], Hazard(heading[1], heading[2]))
            in_tests = False
            continue
        if current is None or line.startswith("## "):
            current = None if line.startswith("## ") else current
            continue
        risk = RISK.match(line)
        if risk:
            current.risks[risk[1]] = (risk[2], risk[3], int(risk[4]))
        if line.startswith("- **"):
            in_tests = line.startswith("- **Tests:**")
            status = re.match(r"^- \*\*Status:\*\* (\w+)", line)
            if status:
                current.status = status[1]
        if in_tests:
            current.tests.extend(NODE_ID.findall(line))
    return hazards


def hazard_ids(decorators: list[ast.expr]) -> list[str]:
    """The ids in every `pytest.mark.hazard("HAZ-NNN", ...)` among a node's decorators (or pytestmark)."""
    ids = []
    for decorator in decorators:
        if isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "pytest.mark.hazard":
            ids.extend(arg.value for arg in decorator.args if isinstance(arg, ast.Constant))
    return [str(value) for value in ids]


def marked_tests() -> dict[str, set[str]]:
    """Node id (without parameters) -> the hazard ids it is marked with, for every test in tests/."""
    tests: dict[str, set[str]] = {}
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        module = ast.parse(path.read_text(encoding="utf-8"))
        prefix = path.relative_to(ROOT).as_posix()
        module_ids: list[str] = []
        for node in module.body:
            if isinstance(node, ast.Assign) and any(ast.unparse(t) == "pytestmark" for t in node.targets):
                value = node.value
                module_ids += hazard_ids(list(value.elts) if isinstance(value, ast.List | ast.Tuple) else [value])
        for node in module.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                tests[f"{prefix}::{node.name}"] = {*module_ids, *hazard_ids(node.decorator_list)}
            if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                class_ids = hazard_ids(node.decorator_list)
                for method in node.body:
                    if isinstance(method, ast.FunctionDef) and method.name.startswith("test_"):
                        ids = {*module_ids, *class_ids, *hazard_ids(method.decorator_list)}
                        tests[f"{prefix}::{node.name}::{method.name}"] = ids
    return tests


@pytest.fixture(scope="module")
def hazards() -> dict[str, Hazard]:
    return read_log(LOG.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tests() -> dict[str, set[str]]:
    return marked_tests()


def test_the_log_has_hazards_each_with_a_title_and_a_status(hazards: dict[str, Hazard]) -> None:
    assert len(hazards) >= 30
    for hazard in hazards.values():
        assert hazard.title.strip(), hazard.id
        assert hazard.status in STATUSES, f"{hazard.id}: status {hazard.status!r} is not one of {STATUSES}"


def test_every_hazard_is_rated_before_and_after_controls_as_the_risk_matrix_says(hazards: dict[str, Hazard]) -> None:
    problems = []
    for hazard in hazards.values():
        for when in ("before", "after"):
            if when not in hazard.risks:
                problems.append(f"{hazard.id}: no 'Risk {when} controls: Severity / Likelihood = N' line")
                continue
            severity, likelihood, rating = hazard.risks[when]
            if severity not in SEVERITIES or likelihood not in MATRIX:
                problems.append(f"{hazard.id}: {severity} / {likelihood} is not on the 5x5 matrix")
            elif MATRIX[likelihood][SEVERITIES.index(severity)] != rating:
                expected = MATRIX[likelihood][SEVERITIES.index(severity)]
                problems.append(f"{hazard.id}: {severity} / {likelihood} rates {expected} on the matrix, not {rating}")
    assert problems == []


def test_every_hazard_names_at_least_one_test(hazards: dict[str, Hazard]) -> None:
    assert [hazard.id for hazard in hazards.values() if not hazard.tests] == []


def test_every_test_the_log_names_exists_and_carries_that_hazards_marker(
    hazards: dict[str, Hazard], tests: dict[str, set[str]]
) -> None:
    problems = []
    for hazard in hazards.values():
        for node_id in hazard.tests:
            if node_id not in tests:
                problems.append(f"{hazard.id}: {node_id} does not exist")
            elif hazard.id not in tests[node_id]:
                problems.append(f'{hazard.id}: {node_id} lacks @pytest.mark.hazard("{hazard.id}")')
    assert problems == []


def test_every_hazard_marker_names_a_hazard_in_the_log(hazards: dict[str, Hazard], tests: dict[str, set[str]]) -> None:
    unknown = defaultdict(list)
    for node_id, ids in tests.items():
        for hazard_id in ids:
            if not HAZARD_ID.match(hazard_id) or hazard_id not in hazards:
                unknown[hazard_id].append(node_id)
    assert dict(unknown) == {}


def test_it_reads_a_log_entry_and_finds_what_is_wrong_with_it() -> None:
    """The checks above cannot pass on a broken log: a made-up entry shows each problem being read."""
    entry = "\n".join(
        [
            "### HAZ-999 A made-up hazard",
            "- **Cause:** none.",
            "- **Risk before controls:** Major / Medium = 4",
            "- **Tests:**",
            "  - `tests/cases/test_scoring.py::test_it_does_not_exist`",
            "- **Status:** Open",
        ]
    )

    hazard = read_log(entry)["HAZ-999"]

    assert hazard.tests == ["tests/cases/test_scoring.py::test_it_does_not_exist"]
    assert hazard.risks == {"before": ("Major", "Medium", 4)}
    assert MATRIX["Medium"][SEVERITIES.index("Major")] == 3  # so the rating check would refuse the 4
    assert "tests/cases/test_scoring.py::test_it_does_not_exist" not in marked_tests()
