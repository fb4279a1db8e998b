// The live meeting: this screen follows the shared one without reloading. Every few seconds it asks
// the server whether anything changed (If-None-Match with the last ETag): a 304 costs the server one
// query; a change brings the new panel in the same answer. A screen that cannot reach the server
// says so at once and greys out the case, so nobody takes it for the case being discussed.
(function () {
  "use strict";
  const panel = document.getElementById("live-panel");
  if (!panel) { return; }
  const url = panel.dataset.stateUrl;
  const poll = Math.max(250, Number(panel.dataset.pollMs || 2000));
  const staleAfter = poll * 2 + 3000;
  const banner = document.getElementById("live-stale");
  const bannerText = document.getElementById("live-stale-text");
  const updated = document.getElementById("live-updated");
  const announce = document.getElementById("live-announce");
  const driver = document.querySelector(".live-driver");
  let etag = panel.dataset.etag || "";
  let lastOk = Date.now();
  let stopped = false;

  function clock(date) {
    return date.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function state() { return panel.querySelector(".live-state"); }

  function fresh() {
    lastOk = Date.now();
    // The server counted this poll as activity: the idle warning (session.js) starts its countdown again.
    // Polling stops when the meeting ends, so an unattended screen is signed out as any other page.
    document.dispatchEvent(new Event("session:activity"));
    banner.hidden = true;
    panel.classList.remove("live-is-stale");
    updated.textContent = clock(new Date());
  }

  function stale(message) {
    bannerText.textContent = message;
    banner.hidden = false;
    panel.classList.add("live-is-stale");
  }

  function lostContact() {
    if (stopped) { return; }
    if (Date.now() - lastOk > staleAfter) {
      stale("No contact with the server since " + clock(new Date(lastOk)) +
        ": it may not show the case being discussed. It keeps trying.");
    }
  }

  // A driver's controls were loaded for one case; if another screen moved the meeting on, they are
  // hidden until the page is reloaded, so no outcome is recorded against the wrong case.
  function checkDriver() {
    const current = state();
    if (!driver || !current) { return; }
    const moved = driver.dataset.itemId !== current.dataset.itemId;
    const notice = document.getElementById("live-driver-moved");
    if (notice) { notice.hidden = !moved; }
    document.querySelectorAll(".live-controls, .live-outcome-form").forEach((part) => { part.hidden = moved; });
  }

  function replace(html) {
    const before = state();
    const beforeItem = before ? before.dataset.itemId : "";
    panel.innerHTML = html;
    const after = state();
    if (after && after.dataset.itemId !== beforeItem && after.dataset.announce) {
      announce.textContent = after.dataset.announce;
    }
    if (after && after.dataset.ended) { stopped = true; }
    checkDriver();
  }

  function schedule() { if (!stopped) { window.setTimeout(tick, poll); } }

  function tick() {
    fetch(url, { cache: "no-store", credentials: "same-origin", headers: { "If-None-Match": etag } })
      .then((response) => {
        if (response.status === 304) { fresh(); return null; }
        if (response.redirected || response.status === 401 || response.status === 403) {
          stopped = true;
          stale("You are signed out: sign in again to follow the meeting.");
          return null;
        }
        if (!response.ok) { lostContact(); return null; }
        etag = response.headers.get("ETag") || "";
        return response.text().then((html) => { replace(html); fresh(); });
      })
      .catch(lostContact)
      .finally(schedule);
  }

  window.setInterval(lostContact, 1000);
  checkDriver();
  schedule();
})();
