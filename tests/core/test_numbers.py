"""Numbers from a request are ASCII digits within the column's range: anything else is no number, never
a surprise value or a server error."""

import pytest
from django.core.exceptions import ValidationError

from core.forms import MAX_ID, IdField, IdListField, ids_in
from core.numbers import whole_number
from core.paginators import after_id, page_number

ODD = [
    "\u00b2",
    "\u2460",
    "\uff11\uff12",
    "\u0661\u0662",
    "-1",
    "+1",
    "1.0",
    "1e3",
    "99999999999999999999",
    str(MAX_ID + 1),
    "",
    " ",
    "0x1F",
]


@pytest.mark.parametrize("raw", ODD)
def test_odd_digits_signs_and_numbers_past_the_column_are_no_number(raw):
    assert whole_number(raw) is None
    assert ids_in([raw]) == []
    assert after_id(raw) is None
    assert page_number(raw) == 1


def test_ascii_digits_within_the_range_are_read():
    assert whole_number("12") == 12 and whole_number(" 7 ") == 7 and whole_number(str(MAX_ID)) == MAX_ID
    assert whole_number("0") is None and whole_number("0", low=0) == 0
    assert whole_number("101", high=100) is None


@pytest.mark.parametrize("raw", ["\u00b2", "\uff11\uff12", "-1", "99999999999999999999"])
def test_the_id_fields_refuse_them_with_a_message(raw):
    field, many = IdField(required=False), IdListField(required=False)
    with pytest.raises(ValidationError, match="whole number"):
        field.clean(raw)
    with pytest.raises(ValidationError, match="record number"):
        many.clean([raw])
    assert field.clean("") is None and field.clean("12") == 12
