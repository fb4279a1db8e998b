"""No printed document loses the end of a long word off the page (HAZ-008): a link, an accession number or an
identifier pasted into a rationale is longer than a line, and without a break its end ran past the margin and
off the paper (measured: a 400-character link ended 2,100 points beyond an A4 page)."""

import pytest
from weasyprint.formatting_structure import boxes

from core.pdf import layout
from mdt.models import Decision
from mdt.printing import Kind, html_of, source
from tests.letters.makers import decision_at_meeting, oncologist

pytestmark = pytest.mark.django_db

LONG_WORD = "https://pacs.example.nhs.uk/viewer?study=" + "1.2.826.0.1.3680043.2." * 18


def rightmost_text(document) -> list[float]:
    """Per page: how far right its text reaches, against the page's width."""
    return [
        max(box.position_x + box.width for box in page._page_box.descendants() if isinstance(box, boxes.TextBox))
        - page.width
        for page in document.pages
    ]


@pytest.mark.hazard("HAZ-008")
@pytest.mark.parametrize("kind", [Kind.LETTER, Kind.OUTCOMES], ids=["outcome letter", "meeting outcomes"])
def test_a_word_longer_than_the_line_breaks_inside_the_page(kind):
    decision = decision_at_meeting(oncologist())
    Decision.objects.filter(pk=decision.pk).update(rationale=f"Images reviewed at {LONG_WORD} before the meeting.")
    object_id = decision.pk if kind == Kind.LETTER else decision.agenda_item.meeting_id

    document = layout(html_of(source(kind, object_id), now=None))

    assert max(rightmost_text(document)) <= 0, "text runs past the right edge of the page"
