"""Each case's clinical facts and readiness list on the agenda page (mdt/_agenda_facts.html), rendered once per
change and shared.

The facts are the same for everyone who opens the page, so each case's is rendered once and kept, as the
live screen's case panel is (live.views), in this process's memory only (never a shared cache: it holds
patient details), briefly. The key is not a list of versions said to change with the data: it is a digest
of every input the template reads, taken from the rows the agenda's selector loaded anyway, so a change
to any of them is another key and a stale block is never served (HAZ-002):

- every field of every row the block can reach: the agenda item, its case, the patient and their
  communication needs, each scan of the case (its reviewer's id among its fields), the latest MRI's
  reviewer and the reviewer's team member (the one reviewer the block names: mdt.selectors.load_reviewers),
  each assessment with its scorer and its scan, the case's earlier agenda items with their meetings;
- each score's out-of-date reasons (cases.score_age): they also read what the record's history held when
  the score was assessed, annotated on the assessments;
- what the clocks show at this moment: each clock's target, start, due and stop times, state and time
  left as the page writes it (the scores and NOMS are computed from the rows above, the clocks alone
  from the time);
- the time zone and the language the page is written in.

The readiness list is worked out from those rows alone (the item's question, the patient's death, the
latest MRI, its report and review, the scores, the worst ESCC grade and whether the graded scans disagree:
mdt.agenda.readiness, cases.worst_escc), never from the time; the days those name are local days, so the
time zone in the key covers them.

Settings (the PACS viewer, the clinical targets, bank holidays) are read at rendering: a change of
settings empties the store (tests change them; a deployment restarts the processes).
"""

import hashlib
import operator
import pickle
from collections.abc import Callable, Iterator
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import setting_changed
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from cases.models import Case
from cases.templatetags.clinical import duration
from mdt.selectors import AgendaBlock

TEMPLATE = "mdt/_agenda_facts.html"
_FACTS = LocMemCache("agenda-facts", {"TIMEOUT": 600, "OPTIONS": {"MAX_ENTRIES": 600}})
_FIELDS: dict[type[Model], Callable[[Model], Any]] = {}


def _row(obj: Model | None) -> tuple[Any, ...]:
    """The row's model and every one of its fields' values, as loaded."""
    if obj is None:
        return (None,)
    model = type(obj)
    if model not in _FIELDS:
        _FIELDS[model] = operator.attrgetter(*(field.attname for field in model._meta.concrete_fields))
    return (model._meta.label, _FIELDS[model](obj))


def _user_rows(user: Any, *, with_member: bool) -> Iterator[tuple[Any, ...]]:
    yield _row(user)
    if with_member:  # selected with the user (mdt.selectors.load_reviewers): no query
        yield _row(getattr(user, "member", None) if user is not None else None)


def _case_rows(case: Case) -> Iterator[tuple[Any, ...]]:
    yield _row(case)
    yield _row(case.patient)
    yield _row(getattr(case.patient, "communication_needs", None))
    for scan in case.scans.all():
        yield _row(scan)
    for assessment in case.assessments.all():
        yield _row(assessment)
        yield from _user_rows(assessment.assessed_by if assessment.assessed_by_id else None, with_member=False)
        yield _row(assessment.scan if assessment.scan_id else None)


def inputs(block: AgendaBlock) -> tuple[Any, ...]:
    """Everything the block's HTML is made from (see the module's docstring)."""
    rows = [_row(block.item), *_case_rows(block.item.case)]
    mri = block.latest_mri
    rows += _user_rows(mri.reviewed_by if mri is not None and mri.reviewed_by_id else None, with_member=True)
    rows += [(_row(earlier), _row(earlier.meeting)) for earlier in block.previous]
    clocks = [
        (clock.target, clock.started_at, clock.due_at, clock.stop, clock.ended_on, clock.state, clock.warning)
        for clock in block.summary.clocks
    ]
    shown = [duration(clock.remaining) for clock in block.summary.clocks]  # as the page writes the time left
    stale = tuple(line.out_of_date for line in block.summary.lines)  # they read the record's history too
    zone, language = timezone.get_current_timezone_name(), translation.get_language()
    return (tuple(rows), tuple(clocks), tuple(shown), stale, zone, language)


def key(block: AgendaBlock) -> str:
    digest = hashlib.blake2b(pickle.dumps(inputs(block), protocol=pickle.HIGHEST_PROTOCOL), digest_size=32)
    return f"facts:{digest.hexdigest()}"


def facts_html(block: AgendaBlock) -> SafeString:
    """The block's facts: the shared rendering of these inputs, or rendered now and shared."""
    name = key(block)
    html = _FACTS.get(name)
    if html is None:
        html = render_to_string(TEMPLATE, {"block": block})
        _FACTS.set(name, html)
    return mark_safe(html)  # noqa: S308 - our template's output


def forget_all(**kwargs: Any) -> None:
    _FACTS.clear()


setting_changed.connect(forget_all, dispatch_uid="mdt.agenda_facts")
