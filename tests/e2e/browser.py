"""What every browser journey checks on every page: accessibility (axe-core), no sideways scrolling
on a 390 px phone, no console error or failed request; and where its screenshots go.

Set SCREENSHOT_DIR to keep the screenshots (the README's come from there); otherwise they go to
the test's temporary directory.
"""

import os
import re
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
BLOCKING = {"serious", "critical"}
_AXE = Axe()


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def looks_enabled(control: Locator) -> None:
    """A button (or a link styled as one) that reads as usable: shown, not disabled by attribute, class or
    aria-disabled, fully opaque and taking clicks; Bootstrap's disabled look is opacity .65, no pointer."""
    expect(control).to_be_visible()
    expect(control).to_be_enabled()
    expect(control).not_to_have_class(re.compile(r"(^|\s)disabled(\s|$)"))
    expect(control).not_to_have_attribute("aria-disabled", "true")
    style = control.evaluate("e => [getComputedStyle(e).opacity, getComputedStyle(e).pointerEvents]")
    assert style == ["1", "auto"], f"{control}: looks disabled (opacity, pointer-events) = {style}"


class Journey:
    """Watches a page through a journey; `check(name)` checks the page shown at both widths."""

    def __init__(self, page: Page, tmp_path: Path) -> None:
        self.page = page
        self.problems: list[str] = []
        self.shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
        self.shots.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size(DESKTOP)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("response", self._response)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text}")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.status} {response.url}")

    def accessible(self, where: str) -> None:
        results = _AXE.run(self.page)
        blocking = [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in BLOCKING
        ]
        assert not blocking, f"{where}: axe-core found {blocking}"

    def fits(self, where: str) -> None:
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{where}: the page scrolls sideways by {overflow} px at {self.page.viewport_size}"

    def check(self, where: str, shot: str | None = None) -> None:
        """Desktop then phone: axe-core, no sideways scroll on the phone, screenshots of both.

        It first waits for the page a click led to to finish loading: axe-core run while the browser
        swaps documents reads a document that is gone."""
        self.page.wait_for_load_state("load")
        self.page.set_viewport_size(DESKTOP)
        self.accessible(f"{where} (desktop)")
        if shot:
            self.page.screenshot(path=self.shots / f"{shot}.png", full_page=True)
        self.page.set_viewport_size(PHONE)
        self.fits(where)
        self.accessible(f"{where} (390 px)")
        if shot:
            self.page.screenshot(path=self.shots / f"{shot}-phone.png", full_page=True)
        self.page.set_viewport_size(DESKTOP)
        assert not self.problems, f"{where}: {self.problems}"
