"""The coordinator's candidate rows are written in Python (mdt.forms.meetings.candidate_rows): the same rows
the template wrote, escaped the same, for every presentation, status and set of reasons."""

import re

import pytest
from django.template import engines

from cases.choices import CaseStatus, Presentation
from mdt.candidates import Candidate
from mdt.forms.meetings import candidate_rows
from mdt.models import AgendaItem
from tests.factories import CaseFactory, PatientFactory

pytestmark = pytest.mark.django_db

# The rows as the candidate list's template wrote them, one template per row, before they were written in Python.
TEMPLATE = """{% for candidate in candidates %}
          <tr>
            <td><input class="form-check-input" type="checkbox" name="case_ids" value="{{ candidate.case.pk }}" id="candidate-{{ candidate.case.pk }}">
                <input type="hidden" name="source-{{ candidate.case.pk }}" value="{{ candidate.source }}"></td>
            <td><label for="candidate-{{ candidate.case.pk }}">{{ candidate.case.patient.display_name }}</label> <span class="small text-body-secondary">case {{ candidate.case.pk }}</span></td>
            <td>{{ candidate.case.patient.mrn }}</td>
            <td>{% if candidate.case.presentation == "suspected_mscc" %}<span class="badge text-bg-danger">Suspected MSCC</span>{% else %}{{ candidate.case.get_presentation_display }}{% endif %}</td>
            <td>{{ candidate.case.get_status_display }}</td>
            <td>{{ candidate.reasons|join:"; " }}</td>
          </tr>
        {% endfor %}"""  # noqa: E501 - the template's own lines


def squeezed(html: str) -> str:
    """Whitespace between tags dropped, runs of it made one space: what a browser reads the same."""
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def test_the_rows_are_the_templates_for_every_kind_of_candidate():
    cases = [
        CaseFactory(
            presentation=Presentation.SUSPECTED_MSCC,
            status=CaseStatus.AWAITING_MDT,
            patient=PatientFactory(family_name="O'Brien <b>", given_name='Siân "Bo" & co', mrn="MRN<1>"),
        ),
        CaseFactory(presentation=Presentation.SUSPECTED_METASTASES, status=CaseStatus.IMAGING),
        CaseFactory(presentation=Presentation.KNOWN_DISEASE_REVIEW, status=CaseStatus.FOLLOW_UP),
    ]
    candidates = [
        Candidate(cases[0], [AgendaItem.Source.CARRIED_FORWARD, AgendaItem.Source.AWAITING_MDT]),
        Candidate(cases[1], [AgendaItem.Source.NEW_MRI_REPORT]),
        Candidate(cases[2], [AgendaItem.Source.RATIFICATION, AgendaItem.Source.FOLLOW_UP]),
    ]

    ours = candidate_rows(candidates)

    theirs = engines["django"].from_string(TEMPLATE).render({"candidates": candidates})
    assert squeezed(ours) == squeezed(theirs)
    assert "O&#x27;BRIEN &lt;B&gt;, Siân &quot;Bo&quot; &amp; co" in ours and "MRN&lt;1&gt;" in ours
    assert ours.count("<tr>") == 3 and candidate_rows([]) == ""
