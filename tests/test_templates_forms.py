"""One way of rendering forms (docs/architecture.md, "Templates and forms"): every field of a Django form
is rendered from the form, so no template writes an <input>, <select> or <textarea> a person fills by
hand, but for the few named here, each because no Django form field stands behind it. The list is the one
the architecture document gives, and a hand-written hidden input carries only where to come back to."""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"

# Template (under templates/) -> why no Django form field stands behind its hand-written control.
BY_HAND = {
    "admin/search_form.html": "the workspace's list search box: Django's admin reads `q` from the address "
    "(ChangeList), not through a form",
    "mdt/_agenda_add.html": "the case search box: never posted (it has no name); static/js/agenda.js asks for "
    "matches and puts the chosen case's number in the form's own field",
    "signin/_passkey_form.html": "the passkey's name: read by static/js/passkeys.js and sent as JSON with the "
    "new credential (signin.views.passkeys), not through a form",
}
# Hidden inputs written by hand outside the workspace: only `next`, where to come back to, which the view
# (or Django's sign-in view) reads itself. A hidden value a form field reads comes from the form.
HIDDEN_BY_HAND = {"next"}
# The workspace's templates follow Django's admin, whose confirmation pages repeat the action and the
# ticked rows as hidden inputs written by hand.
WORKSPACE = "admin/"

CONTROL = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.IGNORECASE)
NOT_FILLED = {"hidden", "submit", "button", "reset", "image"}


def _type(attributes: str) -> str:
    found = re.search(r"\btype\s*=\s*[\"']?([\w-]+)", attributes)
    return found.group(1).lower() if found else "text"


def controls_by_hand(markup: str) -> list[str]:
    """The controls a person fills or chooses that the markup writes itself (not Django's or crispy's)."""
    return [
        " ".join(match.group(0).split())
        for match in CONTROL.finditer(markup)
        if match.group(1).lower() != "input" or _type(match.group(2)) not in NOT_FILLED
    ]


def hidden_by_hand(markup: str) -> list[str]:
    """The names of the hidden inputs the markup writes itself."""
    names = []
    for match in CONTROL.finditer(markup):
        if match.group(1).lower() == "input" and _type(match.group(2)) == "hidden":
            named = re.search(r"\bname\s*=\s*[\"']([^\"']*)[\"']", match.group(2))
            names.append(named.group(1) if named else "")
    return names


def templates() -> dict[str, str]:
    return {str(path.relative_to(TEMPLATES)): path.read_text() for path in sorted(TEMPLATES.rglob("*.html"))}


def architecture_exceptions() -> set[str]:
    """The templates docs/architecture.md names as writing a control by hand ("  - `templates/...`: why")."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text.split("\n## Templates and forms\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\s+- `templates/([^`]+)`: \S", section, flags=re.MULTILINE))


@pytest.mark.parametrize(
    ("markup", "found"),
    [
        ('<input class="form-control" id="q" name="q">', ['<input class="form-control" id="q" name="q">']),
        ('<input type="date" name="on">', ['<input type="date" name="on">']),
        ('<input type=radio name="yes">', ['<input type=radio name="yes">']),
        ('<select class="form-select"\n  name="trial">', ['<select class="form-select" name="trial">']),
        ('<TEXTAREA name="body"></TEXTAREA>', ['<TEXTAREA name="body">']),
        ('<input type="hidden" name="next" value="/">', []),
        ('<input type="submit" value="Search"><button name="action" value="jump">Go</button>', []),
        ("{{ form.note|as_crispy_field }}{{ form.from_item }}{% csrf_token %}", []),
        ("<inputs><selection>", []),
    ],
)
def test_the_scan_finds_the_controls_written_by_hand(markup, found):
    assert controls_by_hand(markup) == found


def test_no_template_writes_a_form_control_by_hand_but_those_named():
    written = {name: controls_by_hand(text) for name, text in templates().items() if name not in BY_HAND}
    assert {name: controls for name, controls in written.items() if controls} == {}, (
        "Render the field from its form (crispy), or, when no Django form field stands behind it, name the "
        "template in BY_HAND and in docs/architecture.md with the reason."
    )


def test_each_template_named_still_writes_its_control():
    pages = templates()
    assert {name for name in BY_HAND if not controls_by_hand(pages.get(name, ""))} == set()


def test_the_templates_named_are_the_exceptions_the_architecture_gives():
    assert architecture_exceptions() == set(BY_HAND)


def test_a_hidden_input_written_by_hand_carries_only_where_to_come_back_to():
    written = {
        name: [field for field in hidden_by_hand(text) if field not in HIDDEN_BY_HAND]
        for name, text in templates().items()
        if not name.startswith(WORKSPACE)
    }
    assert {name: fields for name, fields in written.items() if fields} == {}, (
        "A hidden value a form field reads comes from the form: {{ form.field }} (a HiddenInput); an action "
        "or the row acted on is the value of the button pressed."
    )
