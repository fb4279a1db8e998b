// Warn before the idle limit signs someone out, with time to continue: two minutes before (or at
// four fifths of a short limit), a banner counts down and "Stay signed in" asks the server, which
// records the activity. Once the limit has passed the banner says the session ended and offers to
// sign in again. Typed work is never lost to a reload: when a form that posts to this page was typed
// into, the button sends it with the X-Keep-Typed header (accounts/middleware.py), which is never acted
// on: the server keeps it if the session ended (core/drafts.py; the page offers it again after signing
// in) and answers 204 if it had not (the countdown starts again, the page untouched). A form posting
// elsewhere cannot be offered again: if the session ended, the banner says so and leaves it to be copied.
(function () {
  "use strict";
  const idle = Number(document.body.dataset.idleSeconds || 0);
  const banner = document.getElementById("session-warning");
  if (!idle || !banner) { return; }
  const left = document.getElementById("session-warning-left");
  const soon = document.getElementById("session-warning-soon");
  const ended = document.getElementById("session-warning-ended");
  const lost = document.getElementById("session-warning-lost");
  const button = document.getElementById("session-continue");
  const stayLabel = button.textContent;
  const lead = Math.min(120, Math.floor(idle / 5));
  let deadline = 0;
  let ticker = null;
  let warnTimer = null;
  let typedInto = null; // the form posted by the page that was last typed into

  function show(part) {
    [soon, ended, lost].forEach((each) => { each.hidden = each !== part; });
    if (part === lost) {  // back to this page after signing in; the address is not written into the page itself
      const signIn = document.getElementById("session-sign-in");
      const login = signIn.getAttribute("href").split("?")[0];
      signIn.setAttribute("href", login + "?next=" + encodeURIComponent(window.location.pathname));
    }
    button.hidden = part === lost;
    button.textContent = part === ended ? button.dataset.endedLabel : stayLabel;
    banner.hidden = false;
  }

  function tick() {
    const seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    if (seconds === 0) {
      window.clearInterval(ticker);
      show(ended);
      return;
    }
    left.textContent = seconds > 60 ? Math.ceil(seconds / 60) + " minutes" : seconds + " seconds";
  }

  function start() {
    banner.hidden = true;
    window.clearInterval(ticker);
    window.clearTimeout(warnTimer);
    deadline = Date.now() + idle * 1000;
    warnTimer = window.setTimeout(() => {
      show(soon);
      tick();
      ticker = window.setInterval(tick, 1000);
    }, (idle - lead) * 1000);
  }

  function noted(event) {
    const form = event.target.form;
    if (form && (form.getAttribute("method") || "").toLowerCase() === "post") { typedInto = form; }
  }

  function target(form) {
    // getAttribute: a control named "action" would hide the form's own property.
    return new URL(form.getAttribute("action") || "", document.baseURI);
  }

  function keepTyped(form) {
    fetch(target(form), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Keep-Typed": "1" },
    })
      .then((response) => (response.status === 204 ? null : response.json()))
      .then((answer) => {
        if (!answer) { start(); } else if (answer.kept) { window.location.assign(answer.sign_in); } else { show(lost); }
      });
  }

  function stay() {
    fetch(banner.dataset.keepaliveUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => {
        if (response.ok && !response.redirected) { start(); } else if (typedInto) { show(lost); } else { window.location.reload(); }
      });
  }

  document.addEventListener("input", noted);
  document.addEventListener("change", noted);
  button.addEventListener("click", () => {
    if (typedInto && target(typedInto).pathname === window.location.pathname) { keepTyped(typedInto); } else { stay(); }
  });
  // A page that talks to the server by itself on the user's behalf (the live meeting's screen) says so
  // after each answer: the server counted it as activity, so the countdown starts again.
  document.addEventListener("session:activity", start);
  start();
})();
