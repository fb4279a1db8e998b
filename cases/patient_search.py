"""Finding patients: what a query matches (`Patient.objects.search`, the one rule of the pages and the
workspace), and the first matches in name order read without reading every match.

A query is an NHS number (any spacing) or an MRN; the start of a family or given name ("smi"); "family,
given"; or a given and a family name in either order ("Alys Griffiths"). `terms` reads it into exact
values and name prefixes, `condition` is the filter.

Lists of matches are in name order (family, given, id). A common prefix matches thousands of patients ("smi"
is 5,202 of 100,000 at the regional size), and sorting them all to show 50 costs in proportion to the
matches. On PostgreSQL `first_in_name_order` narrows the matches to candidates read from the name indexes
(`patient_family_search_idx` and `patient_given_search_idx`: the upper-cased name with the pattern operator
class, then family, given, id; migration 0031): for each prefix it steps through the distinct upper-cased
names that start with it, one index probe each, and takes from each name its first rows in name order after
the page's anchor. Each of the first n matches is among the first n of its own name, so it is a candidate:
the page is exactly the one the full sort gives, and its cost follows the distinct names that match and
the page's size, not the number of patients matched. Other databases sort every match (SQLite serves
development and tests, at their sizes).
"""

# ruff: noqa: S608 - the SQL here is written from names the connection quotes; every value is a parameter

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db import connections
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from cases.validators import looks_like_nhs_number, normalise_nhs_number


@dataclass(frozen=True)
class Prefix:
    """Names starting with `text` in `field`, and with `also` (field, text) in the other name when given."""

    field: str
    text: str
    also: tuple[str, str] | None = None


@dataclass(frozen=True)
class Terms:
    nhs_number: str = ""
    mrn: str = ""
    prefixes: tuple[Prefix, ...] = ()


def terms(query: str) -> Terms | None:
    """What a query looks for; None for a blank query (everyone)."""
    text = query.strip()
    if not text:
        return None
    if looks_like_nhs_number(text):
        return Terms(nhs_number=normalise_nhs_number(text), mrn=text)
    if "," in text:
        family, given = (part.strip() for part in text.split(",", 1))
        return Terms(prefixes=(Prefix("family_name", family, ("given_name", given)),))
    prefixes = [Prefix("family_name", text), Prefix("given_name", text)]
    if " " in text:
        # "Alys Griffiths" or "Griffiths Alys"; a family name with a space ("Van Dyke") matches the above.
        first, rest = text.split(None, 1)
        prefixes += [
            Prefix("given_name", first, ("family_name", rest)),
            Prefix("family_name", first, ("given_name", rest)),
        ]
    return Terms(mrn=text, prefixes=tuple(prefixes))


def condition(found: Terms) -> Q:
    """The patients a query matches."""
    parts = []
    if found.nhs_number:
        parts.append(Q(nhs_number=found.nhs_number))
    if found.mrn:
        parts.append(Q(mrn__iexact=found.mrn))
    for prefix in found.prefixes:
        part = Q(**{f"{prefix.field}__istartswith": prefix.text})
        if prefix.also:
            part &= Q(**{f"{prefix.also[0]}__istartswith": prefix.also[1]})
        parts.append(part)
    return reduce(or_, parts)


def first_in_name_order(patients: QuerySet[Any], found: Terms, first: int, after: int | None = None) -> QuerySet[Any]:
    """The `patients` that `found` matches, narrowed to candidates that hold the first `first` matches in
    name order after patient `after`: the same page, read from the name indexes (the module's docstring).
    The candidates are matches by construction, so the filter is theirs alone (with the search's own
    condition beside them, the planner could read every match again). Where there is nothing to narrow
    (no name prefix) or no PostgreSQL: every match."""
    connection = connections[patients.db]
    if not found.prefixes or connection.vendor != "postgresql":
        return patients.filter(condition(found))
    candidates = _Candidates(connection, patients.model)
    sql, params = candidates.sql(found, first, after)
    # "= ANY(ARRAY(...))": the candidates are fetched by primary key whatever the planner guesses of their
    # number (as "IN (...)", a high guess made it hash them against the whole table).
    among = f"{candidates.table}.{candidates.column['id']} = ANY(ARRAY({sql}))"
    return patients.filter(RawSQL(among, params, output_field=BooleanField()))  # noqa: S611 - parameters only


class _Candidates:
    """The candidates' SQL: a recursive walk of the distinct names per prefix, and each name's first rows."""

    def __init__(self, connection: Any, model: Any) -> None:
        quote = connection.ops.quote_name
        self.ops = connection.ops
        self.table = quote(model._meta.db_table)
        self.column = {name: quote(model._meta.get_field(name).column) for name in _COLUMNS}

    def order(self, alias: str) -> str:
        return ", ".join(f"{alias}.{self.column[name]}" for name in ("family_name", "given_name", "id"))

    def like(self, text: str) -> str:
        """A LIKE pattern for names starting with `text` (its own % and _ taken literally), as istartswith."""
        return self.ops.prep_for_like_query(text) + "%"

    def names(self, name: str, field: str) -> str:
        """The distinct upper-cased `field` values LIKE the parameter, in the pattern index's order."""
        upper, table = f"UPPER({self.column[field]}::text)", self.table
        step = f"SELECT {upper} FROM {table} WHERE {upper} LIKE UPPER(%s)"
        return (
            f"{name}(u) AS (({step} ORDER BY {upper} USING ~<~ LIMIT 1) UNION ALL "
            f"SELECT ({step} AND {upper} ~>~ {name}.u ORDER BY {upper} USING ~<~ LIMIT 1) "
            f"FROM {name} WHERE {name}.u IS NOT NULL)"
        )

    def first_rows(self, name: str, prefix: Prefix, after: bool) -> str:
        """Each name's first rows in name order (after the anchor): an index range of the name's own rows."""
        where = f"UPPER(p.{self.column[prefix.field]}::text) = {name}.u"
        if prefix.also:
            where += f" AND UPPER(p.{self.column[prefix.also[0]]}::text) LIKE UPPER(%s)"
        if after:
            anchor = f"SELECT {self.order('a')} FROM {self.table} a WHERE a.{self.column['id']} = %s"
            where += f" AND ({self.order('p')}) > ({anchor})"
        rows = (
            f"SELECT p.{self.column['id']} AS id FROM {self.table} p WHERE {where} ORDER BY {self.order('p')} LIMIT %s"
        )
        return f"SELECT x.id FROM {name} CROSS JOIN LATERAL ({rows}) x"

    def sql(self, found: Terms, first: int, after: int | None) -> tuple[str, list[Any]]:
        names: list[str] = []
        branches: list[str] = []
        name_params: list[Any] = []
        params: list[Any] = []
        for number, prefix in enumerate(found.prefixes):
            name = f"names{number}"
            names.append(self.names(name, prefix.field))
            name_params += [self.like(prefix.text)] * 2
            branches.append(self.first_rows(name, prefix, after is not None))
            params += [self.like(prefix.also[1])] if prefix.also else []
            params += [after, first] if after is not None else [first]
        if found.nhs_number:
            branches.append(f"SELECT {self.column['id']} FROM {self.table} WHERE {self.column['nhs_number']} = %s")
            params.append(found.nhs_number)
        if found.mrn:
            branches.append(
                f"SELECT {self.column['id']} FROM {self.table} WHERE UPPER({self.column['mrn']}::text) = UPPER(%s)"
            )
            params.append(found.mrn)
        return f"WITH RECURSIVE {', '.join(names)} {' UNION ALL '.join(branches)}", name_params + params


_COLUMNS = ("id", "family_name", "given_name", "nhs_number", "mrn")
