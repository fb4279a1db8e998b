// Warn before the idle limit signs someone out, with time to continue: two minutes before (or at
// four fifths of a short limit), a banner counts down and "Stay signed in" asks the server, which
// records the activity. A form posted after the limit is kept anyway (core/drafts.py).
(function () {
  "use strict";
  const idle = Number(document.body.dataset.idleSeconds || 0);
  const banner = document.getElementById("session-warning");
  if (!idle || !banner) { return; }
  const left = document.getElementById("session-warning-left");
  const lead = Math.min(120, Math.floor(idle / 5));
  let deadline = 0;
  let ticker = null;
  let warnTimer = null;

  function tick() {
    const seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    left.textContent = seconds > 60 ? Math.ceil(seconds / 60) + " minutes" : seconds + " seconds";
  }

  function start() {
    banner.hidden = true;
    window.clearInterval(ticker);
    window.clearTimeout(warnTimer);
    deadline = Date.now() + idle * 1000;
    warnTimer = window.setTimeout(() => {
      banner.hidden = false;
      tick();
      ticker = window.setInterval(tick, 1000);
    }, (idle - lead) * 1000);
  }

  document.getElementById("session-continue").addEventListener("click", () => {
    fetch(banner.dataset.keepaliveUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => { if (response.ok && !response.redirected) { start(); } else { window.location.reload(); } });
  });
  // A page that talks to the server by itself on the user's behalf (the live meeting's screen) says so
  // after each answer: the server counted it as activity, so the countdown starts again.
  document.addEventListener("session:activity", start);
  start();
})();
