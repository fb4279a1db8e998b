"""The letter and the information sheet on paper: standard and large print built by the print worker
(mdt.printing), checked by turning the pages into images (pdftoppm) and reading their text."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from letters import services
from mdt.models import PrintedDocument
from tests.letters.makers import decision_at_meeting, letter_for, needs, oncologist

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PHONE = "01632 960123"
SIGN = "pins and needles"


@pytest.fixture(autouse=True)
def service(settings):
    settings.PATIENT_SAFETY_NET_PHONE = PHONE
    settings.MDT_SERVICE_NAME = "South Wales Spinal Metastases MDT"


def pdf_pages(pdf: bytes, tmp_path: Path, name: str) -> list[Path]:
    """The PDF's pages as PNG images (pdftoppm), as a reviewer would look at them."""
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(source), str(tmp_path / name)], check=True)  # noqa: S603, S607
    return sorted(tmp_path.glob(f"{name}-*.png"))


def text_of(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)  # noqa: S607
    return re.sub(r"\s+", " ", out.stdout.decode())


needs_poppler = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils (pdftoppm) not installed")


@needs_poppler
@pytest.mark.hazard("HAZ-101")
def test_standard_and_large_print_letters_carry_the_safety_box_and_large_print_takes_more_pages(client, tmp_path):
    onc = oncologist()
    decision = decision_at_meeting(onc, ["cebrt", "steroids"], given_name="Alys", family_name="Griffiths")
    needs(decision.case.patient, large_print=True)
    letter = letter_for(decision, onc)
    client.force_login(onc)

    standard = client.get(reverse("letters:pdf", args=[letter.pk]))
    large = client.get(reverse("letters:pdf-large", args=[letter.pk]))

    assert standard["Content-Type"] == large["Content-Type"] == "application/pdf"
    for pdf in (standard.content, large.content):
        text = text_of(pdf)
        assert SIGN in text and PHONE in text and "Alys Griffiths" in text and "Dear Alys Griffiths" in text
    standard_pages = pdf_pages(standard.content, tmp_path, "standard")
    large_pages = pdf_pages(large.content, tmp_path, "large")
    assert standard_pages and all(page.stat().st_size > 0 for page in standard_pages)
    assert len(large_pages) > len(standard_pages)
    for pdf in (standard.content, large.content):  # tagged: a screen reader follows headings and lists
        info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()  # noqa: S607
        assert re.search(r"^Tagged:\s+yes", info, re.MULTILINE), info


def test_the_pdf_is_built_once_and_rebuilt_after_an_edit(client):
    onc = oncologist()
    letter = letter_for(decision_at_meeting(onc), onc)
    client.force_login(onc)
    address = reverse("letters:pdf", args=[letter.pk])

    client.get(address)
    client.get(address)
    services.letter_edit(
        letter_id=letter.pk,
        user=onc,
        body="Dear Alys,\n\nChanged.",
        print_format="standard",
        loaded_version=letter.version,
    )
    client.get(address)

    builds = PrintedDocument.objects.filter(kind=PrintedDocument.Kind.PATIENT_LETTER, object_id=letter.pk)
    assert builds.count() == 1  # the older build is dropped once the new one is ready
    assert "Changed." in text_of(bytes(builds.get().pdf))


@needs_poppler
def test_the_information_sheet_prints_in_standard_and_large_print_with_its_version(client, tmp_path):
    client.force_login(oncologist())

    for name in ("letters:sheet-pdf", "letters:sheet-pdf-large"):
        pdf = client.get(reverse(name)).content
        text = text_of(pdf)
        assert "Cancer in the spine and pressure on the nerves" in text and SIGN in text and PHONE in text
        assert "Version 1.0" in text
        assert pdf_pages(pdf, tmp_path, name.split(":")[1])
