"""core.urls.reverse_each: the address reverse() gives, for every id, reversed once."""

import pytest
from django.urls import reverse

from core.urls import STAND_IN, reverse_each


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("case-detail", ()),
        ("agenda-item-move", (7,)),
        ("agenda-item-update", (7,)),
        ("agenda-item-withdraw", (12,)),
        ("agenda-item-prepared", (1,)),
        ("item-decision", (3,)),
        ("agenda-item-move", (STAND_IN,)),  # a meeting whose id is the stand-in: reversed each time
    ],
)
def test_each_address_is_reverses(name, args):
    address = reverse_each(name, *args)

    for pk in (1, 42, 987654, STAND_IN - 1):
        assert address(pk) == reverse(name, args=[*args, pk])


def test_an_id_is_written_as_a_number():
    with pytest.raises(ValueError):
        reverse_each("case-detail")("1/../../admin")  # type: ignore[arg-type]
