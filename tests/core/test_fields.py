"""LimitedTextField: the checks every path to a free-text field goes through."""

import pytest
from django.core.exceptions import ValidationError

from core.fields import LimitedTextField


@pytest.mark.parametrize(("text", "said"), [("a\x00b", "null character"), ("a\ud800b", "broken character")])
def test_a_limited_text_field_refuses_what_no_database_holds_on_every_path(text, said):
    """LimitedTextField's validators run in full_clean, so a service or a feed gets the field's message, not a
    database error (SQLite and PostgreSQL refuse both)."""
    field = LimitedTextField(max_length=100)

    with pytest.raises(ValidationError, match=said):
        field.run_validators(text)
    field.run_validators("Radiosensitive primary, stable spine.")  # the control: ordinary text passes
