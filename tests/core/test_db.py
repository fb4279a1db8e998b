"""core.db.serial_plans: the queries inside are planned without parallel workers, and only those."""

import pytest
from django.db import connection

from core.db import serial_plans

pytestmark = pytest.mark.django_db


def workers() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        return str(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_the_queries_inside_plan_without_parallel_workers_and_the_setting_comes_back_after():
    before = workers()

    with serial_plans():
        inside = workers()

    assert inside == "0"
    assert workers() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_the_setting_comes_back_after_an_error_inside():
    before = workers()

    with pytest.raises(ZeroDivisionError), serial_plans():
        assert workers() == "0"
        _ = 1 / 0

    assert workers() == before


def test_it_adds_two_statements_on_postgresql_and_none_elsewhere(django_assert_num_queries):
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 0), serial_plans():
        pass
