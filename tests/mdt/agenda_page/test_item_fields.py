"""The coordinator's question-and-presenter fields on the agenda page: ItemForm's HTML, written once per page."""

import pytest

from mdt.forms.meetings import ItemForm, item_fields
from mdt.models import AgendaItem, Member
from tests.factories import AgendaItemFactory, clinician

pytestmark = pytest.mark.django_db


def form_html(item: AgendaItem, members: list[Member]) -> tuple[str, str, str, str, str]:
    """What the page rendered from one ItemForm per item (the form that also reads the POST)."""
    form = ItemForm(
        initial={"question": item.question, "presenter": item.presenter_id, "loaded_version": item.version},
        members=members,
        prefix=f"item{item.pk}",
    )
    return (
        str(form["loaded_version"]),
        str(form["question"].as_widget()),
        form["question"].id_for_label,
        str(form["presenter"].as_widget()),
        form["presenter"].id_for_label,
    )


def test_each_items_fields_are_the_html_of_its_item_form(meeting, radiologist):
    surgeon = clinician("surgeon", Member.Role.SPINAL_SURGEON).member
    Member.objects.filter(pk=surgeon.pk).update(active=True)
    items = [
        AgendaItemFactory(meeting=meeting, question='Stabilise T7? <b>"now"</b> & later\nor not', presenter=surgeon),
        AgendaItemFactory(meeting=meeting, question="", presenter=None),
        AgendaItemFactory(meeting=meeting, question="Radiotherapy?", presenter=radiologist.member),
    ]
    members = list(Member.objects.filter(active=True).select_related("user"))
    assert len(members) >= 2

    fields = item_fields(items, members)

    for item in items:
        ours = fields[item.pk]
        rendered = (ours.loaded_version, ours.question, ours.question_id, ours.presenter, ours.presenter_id)
        assert rendered == form_html(item, members)
    assert " selected>" in fields[items[1].pk].presenter.split("</option>")[0]  # "No presenter yet" chosen
    assert f'<option value="{surgeon.pk}" selected>' in fields[items[0].pk].presenter
    assert "&lt;b&gt;" in fields[items[0].pk].question
