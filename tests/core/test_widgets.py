"""The plain select writes the same HTML as Django's template-rendered select, for any choices; a partial's stencil
fills each row as the template renders it."""

from django import forms
from django.template import Context, Template
from django.test.html import parse_html
from hypothesis import given
from hypothesis import strategies as st

from core.widgets import PartStencil, PlainHiddenInput, PlainSelect, PlainTextarea, SharedOptions, Stencil

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12)
CHOICES = st.lists(st.tuples(TEXT, TEXT), max_size=8, unique_by=lambda choice: choice[0])


@given(choices=CHOICES, pick=st.integers(min_value=0, max_value=8), required=st.booleans())
def test_it_renders_what_djangos_select_renders(choices, pick, required):
    choices = [("", "No presenter yet"), *choices]
    value = choices[pick % len(choices)][0]
    attrs = {"id": "id_item1-presenter", "class": "form-select", **({"required": True} if required else {})}

    ours = PlainSelect(attrs=attrs, choices=choices).render("item1-presenter", value)
    django = forms.Select(attrs=attrs, choices=choices).render("item1-presenter", value)

    assert parse_html(ours) == parse_html(django)


@given(choices=CHOICES, value=st.one_of(st.none(), TEXT, st.integers(min_value=0, max_value=8)))
def test_shared_options_render_what_the_plain_select_renders(choices, value):
    choices = [("", "No presenter yet"), *choices]
    value = choices[value % len(choices)][0] if isinstance(value, int) else value  # a choice, None, or any text
    attrs = {"id": "id_item1-presenter"}

    shared = SharedOptions(choices).render("item1-presenter", value, attrs)

    assert shared == PlainSelect(attrs=attrs, choices=choices).render("item1-presenter", value)


def test_it_escapes_labels_and_values():
    html = PlainSelect(choices=[('"><script>', "<b>Dr O'Neil</b>")]).render("who", '"><script>')
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;b&gt;Dr O&#x27;Neil&lt;/b&gt;" in html and " selected" in html


def test_it_renders_groups():
    choices = [("Oncology", [("1", "Olwen")]), ("Surgery", [("2", "Steffan")])]
    ours = PlainSelect(choices=choices).render("who", "2")
    assert parse_html(ours) == parse_html(forms.Select(choices=choices).render("who", "2"))


@given(value=st.one_of(st.none(), TEXT), rows=st.integers(min_value=1, max_value=9))
def test_the_plain_textarea_renders_what_djangos_renders(value, rows):
    attrs = {"id": "id_item1-question", "rows": rows, "maxlength": 2000}
    ours = PlainTextarea(attrs=attrs).render("item1-question", value)
    assert parse_html(ours) == parse_html(forms.Textarea(attrs=attrs).render("item1-question", value))


@given(value=st.one_of(st.none(), st.integers(min_value=0, max_value=2**31), TEXT))
def test_the_plain_hidden_input_renders_what_djangos_renders(value):
    attrs = {"id": "id_item1-loaded_version"}
    ours = PlainHiddenInput(attrs=attrs).render("item1-loaded_version", value)
    assert parse_html(ours) == parse_html(forms.HiddenInput(attrs=attrs).render("item1-loaded_version", value))


@given(value=st.one_of(st.none(), TEXT), rows=st.integers(min_value=1, max_value=9), pk=st.integers(min_value=1))
def test_a_stencil_writes_what_its_textarea_writes(value, rows, pk):
    widget = PlainTextarea(attrs={"rows": rows, "maxlength": 2000, "class": 'a"b'})
    name, field_id = f"item{pk}-question", f"id_item{pk}-question"

    assert Stencil(widget).render(name, value, field_id) == widget.render(name, value, {"id": field_id})


@given(value=st.one_of(st.none(), st.integers(min_value=0, max_value=2**31), TEXT), pk=st.integers(min_value=1))
def test_a_stencil_writes_what_its_hidden_input_writes(value, pk):
    widget = PlainHiddenInput()
    name, field_id = f"item{pk}-loaded_version", f"id_item{pk}-loaded_version"

    assert Stencil(widget).render(name, value, field_id) == widget.render(name, value, {"id": field_id})


@given(values=st.fixed_dictionaries({"key": TEXT, "label": TEXT}))
def test_a_part_stencil_fills_each_row_as_the_template_renders_it(values):
    template = Template('<label for="{{ key }}-note">{{ label }} ({{ key }})</label><input id="{{ key }}-note">')
    stencil = PartStencil(lambda stand_ins: template.render(Context(dict(stand_ins))), ["key", "label"])

    assert stencil.render(values) == template.render(Context(values))
