"""A patient's letter in a real Chromium: the coordinator records the patient's needs (large print, an
interpreter), the oncologist writes the letter from the signed decision, edits it, sees its reading
level, and releases it in large print; the PDF is turned into images (pdftoppm) and its text checked.
Every page at 1280 px and 390 px with axe-core."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from letters.models import FormatTask, PatientLetter
from mdt.models import Member
from tests.e2e.browser import Journey, sign_in
from tests.factories import CaseFactory, PatientFactory, team_user
from tests.letters.makers import decision_at_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"
PHONE = "01632 960123"
ADDED = "You can bring someone with you to every visit."


def person(username: str, role: str, first: str, last: str):
    user = team_user(username, role)
    user.first_name, user.last_name = first, last
    user.set_password(PASSWORD)
    user.save()
    return user


def pdf_as_images(pdf: bytes, folder: Path, name: str) -> tuple[list[Path], str]:
    """The PDF's pages as PNG images, as someone checking it would look at them, and its text."""
    source = folder / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(source), str(folder / name)], check=True)  # noqa: S603, S607
    text = subprocess.run(["pdftotext", str(source), "-"], capture_output=True, check=True).stdout.decode()  # noqa: S603, S607
    return sorted(folder.glob(f"{name}-*.png")), re.sub(r"\s+", " ", text)


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils (pdftoppm) not installed")
def test_needs_then_a_large_print_letter_edited_released_and_checked_as_images(
    live_server, page: Page, tmp_path, settings
):
    settings.PATIENT_SAFETY_NET_PHONE = PHONE  # the live server runs in this process
    olwen = person("olwen", Member.Role.ONCOLOGIST, "Olwen", "Pryce")
    person("carys", Member.Role.MDT_COORDINATOR, "Carys", "Evans")
    patient = PatientFactory(given_name="Alys", family_name="Griffiths", gp_name="Dr A. Pritchard")
    case = CaseFactory(patient=patient, referrer="Dr B. Morgan, Riverside General Hospital")
    decision_at_meeting(olwen, ["cebrt", "steroids"], case=case)  # recorded and signed through the services
    journey = Journey(page, tmp_path)
    base = live_server.url

    # The coordinator records the needs once, from the patient's page.
    sign_in(page, base, "carys", PASSWORD)
    page.goto(f"{base}/patients/{patient.pk}/")
    page.get_by_role("link", name="Record communication needs").click()
    page.get_by_label("Large print").check()
    page.get_by_label("Needs an interpreter").check()
    page.get_by_label("Language").fill("Welsh")
    page.get_by_label("The patient's address for letters").fill("12 Heol y Felin\nCardiff\nCF14 1AA")
    journey.check("communication needs", shot="communication-needs")
    page.get_by_role("button", name="Save communication needs").click()
    expect(page.get_by_text("Communication needs saved.")).to_be_visible()
    expect(page.get_by_role("note", name="Communication needs")).to_contain_text("Large print; Interpreter: Welsh")

    # The oncologist writes the letter from the case page, edits it and releases it in large print.
    sign_in(page, base, "olwen", PASSWORD)
    page.goto(f"{base}/cases/{case.pk}/")
    expect(page.get_by_role("note", name="Communication needs")).to_contain_text("Large print")
    page.get_by_role("button", name="Write the patient's letter").click()
    expect(page.get_by_role("heading", name="Your care from the spinal team")).to_be_visible()
    expect(page.get_by_label("Format")).to_have_value("large")
    expect(page.get_by_text("Reading level of the text below")).to_be_visible()
    text = page.get_by_label("The letter's text")
    text.fill(text.input_value().replace("Yours sincerely,", f"{ADDED}\n\nYours sincerely,"))
    page.get_by_role("button", name="Save the letter").click()
    expect(page.get_by_text("Letter saved.")).to_be_visible()
    expect(page.locator(".letter-preview")).to_contain_text(ADDED)
    journey.check("the patient's letter", shot="patient-letter")
    page.get_by_role("button", name="Release the letter (large print)").click()
    expect(page.get_by_text("Letter released (large print).")).to_be_visible()
    expect(page.get_by_role("heading", name="Released", exact=True)).to_be_visible()
    letter = PatientLetter.objects.get(decision__case=case)
    assert letter.released_by == olwen and letter.print_format == "large"

    # The large-print PDF, turned into images: the added sentence, the patient, the box and its number.
    response = page.request.get(f"{base}/letters/{letter.pk}/large-print.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    images, pdf_text = pdf_as_images(response.body(), shots, "patient-letter-large-print")
    assert len(images) >= 2 and all(image.stat().st_size > 10_000 for image in images)
    assert ADDED in pdf_text and "Alys Griffiths" in pdf_text and "12 Heol y Felin" in pdf_text
    assert "Call us straight away if you notice any of these" in pdf_text and PHONE in pdf_text
    assert "Olwen Pryce" in pdf_text

    # The accessible version, then the coordinator's task: the interpreter to arrange.
    page.goto(f"{base}/letters/{letter.pk}/letter.html")
    expect(page.get_by_role("heading", name="Call us straight away if you notice any of these")).to_be_visible()
    journey.check("accessible letter")
    sign_in(page, base, "carys", PASSWORD)
    page.goto(f"{base}/letters/")
    expect(page.locator(".format-task")).to_contain_text("Interpreter or translation (Welsh)")
    journey.check("letters and formats to arrange")
    page.get_by_role("button", name="Mark arranged").click()
    expect(page.get_by_text("Interpreter or translation marked arranged.")).to_be_visible()
    assert FormatTask.objects.get(letter=letter).done_at is not None
    page.goto(f"{base}/information-sheet/")
    journey.check("information sheet")
