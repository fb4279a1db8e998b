"""NHS number (modulus 11) and Karnofsky validation, as typed by people (no database needed)."""

import pytest
from django.core.exceptions import ValidationError

from cases.validators import (
    format_nhs_number,
    nhs_check_digit,
    normalise_nhs_number,
    validate_karnofsky,
    validate_nhs_number,
)

VALID_NHS_NUMBERS = ["9434765919", "9434765870", "4010232137"]

CHECK_DIGIT_MESSAGE = "This is not a valid NHS number: its check digit is wrong. Check it was typed correctly."


def error_of(validator, value) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value


# --------------------------------------------------------------------------- NHS number


@pytest.mark.parametrize("number", VALID_NHS_NUMBERS)
def test_it_accepts_a_valid_nhs_number(number):
    validate_nhs_number(number)  # raises on failure


def test_it_computes_the_modulus_11_check_digit():
    # 9*10 + 4*9 + 3*8 + 4*7 + 7*6 + 6*5 + 5*4 + 9*3 + 1*2 = 299; 299 % 11 = 2; 11 - 2 = 9
    assert nhs_check_digit("943476591") == 9
    # 4*10 + 0*9 + 1*8 + 0*7 + 2*6 + 3*5 + 2*4 + 1*3 + 3*2 = 92; 92 % 11 = 4; 11 - 4 = 7
    assert nhs_check_digit("401023213") == 7
    # a remainder of 0 gives 11, which is written as a check digit of 0
    assert nhs_check_digit("943476508") == 0
    validate_nhs_number("9434765080")


@pytest.mark.hazard("HAZ-001")
@pytest.mark.parametrize("wrong_last_digit", [d for d in "0123456789" if d != "9"])
def test_it_rejects_a_wrong_check_digit_with_its_own_message(wrong_last_digit):
    error = error_of(validate_nhs_number, "943476591" + wrong_last_digit)

    assert error.code == "nhs_number_check_digit"
    assert error.messages == [CHECK_DIGIT_MESSAGE]


@pytest.mark.hazard("HAZ-001")
def test_it_rejects_two_transposed_digits():
    # The point of modulus 11: swapping two neighbouring digits changes the check.
    error = error_of(validate_nhs_number, "4934765919")
    assert error.code == "nhs_number_check_digit"


@pytest.mark.parametrize(
    ("value", "count"),
    [("943476591", 9), ("94347659190", 11), ("1", 1)],
)
def test_it_rejects_the_wrong_number_of_digits_saying_how_many_were_typed(value, count):
    error = error_of(validate_nhs_number, value)

    assert error.code == "nhs_number_length"
    assert error.messages == [f"An NHS number has 10 digits; this one has {count}."]


@pytest.mark.parametrize("value", ["943476591A", "NHS9434765", "943.476.5919", "943/476/5919"])
def test_it_rejects_letters_and_other_characters_naming_the_value(value):
    error = error_of(validate_nhs_number, value)

    assert error.code == "nhs_number_characters"
    assert error.messages == [
        f"An NHS number has digits only (spaces and dashes are fine): {value} has other characters."
    ]


@pytest.mark.parametrize("last_digit", "0123456789")
def test_it_never_accepts_a_nine_digit_prefix_whose_check_would_be_10(last_digit):
    # 9*10 + 9*9 + 9*8 = 243; 243 % 11 = 1; 11 - 1 = 10: no digit can end this number.
    assert nhs_check_digit("999000000") is None

    error = error_of(validate_nhs_number, "999000000" + last_digit)

    assert error.code == "nhs_number_check_digit"


def test_it_says_a_number_with_a_superscript_digit_is_invalid_instead_of_crashing():
    # str.isdigit() is True for "²", but int("²") raises ValueError: a validator must raise ValidationError.
    error = error_of(validate_nhs_number, "943476591²")
    assert error.messages


@pytest.mark.parametrize(
    "typed",
    ["943 476 5919", "943-476-5919", "943 - 476 - 5919", " 9434765919 ", "943\t476\u00a05919", "9434765919"],
)
def test_it_normalises_the_spaces_and_dashes_people_type(typed):
    assert normalise_nhs_number(typed) == "9434765919"


def test_it_normalises_nothing_to_an_empty_string():
    assert normalise_nhs_number("") == ""
    assert normalise_nhs_number(None) == ""


def test_it_leaves_other_characters_for_the_validator_to_reject():
    assert normalise_nhs_number("943.476.5919") == "943.476.5919"


def test_it_shows_an_nhs_number_as_3_3_4():
    assert format_nhs_number("9434765919") == "943 476 5919"


@pytest.mark.parametrize(("stored", "shown"), [(None, ""), ("", ""), ("12345", "12345")])
def test_it_shows_a_missing_or_odd_nhs_number_as_it_is(stored, shown):
    assert format_nhs_number(stored) == shown


# --------------------------------------------------------------------------- Karnofsky


@pytest.mark.parametrize("value", range(0, 101, 10))
def test_it_accepts_karnofsky_in_steps_of_10_from_0_to_100(value):
    validate_karnofsky(value)  # raises on failure


@pytest.mark.parametrize("value", [55, 5, 99, 110, 1000, -10])
def test_it_rejects_any_other_karnofsky_naming_the_value(value):
    error = error_of(validate_karnofsky, value)

    assert error.code == "karnofsky"
    assert error.messages == [f"Karnofsky performance status is a multiple of 10 from 0 to 100; {value} is not."]
