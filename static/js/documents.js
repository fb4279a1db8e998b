// The PDF progress page (mdt/views/documents.py): ask the status endpoint every few seconds and
// open the PDF when the worker has built it. No inline script: the CSP allows this file only.
(function () {
  "use strict";
  var section = document.querySelector("[data-document-status]");
  if (!section) { return; }
  var statusUrl = section.dataset.documentStatus;
  var pdfUrl = section.dataset.documentUrl;
  var label = section.querySelector("[data-document-label]");
  var seconds = section.querySelector("[data-document-seconds]");
  var failed = section.querySelector("[data-document-failed]");
  var polls = 0;
  var MAX_POLLS = 200; // about ten minutes: then the "Check again" link is there

  function poll() {
    polls += 1;
    fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 404) { window.location.replace(pdfUrl); return null; }
        return response.ok ? response.json() : null;
      })
      .then(function (state) {
        if (!state) { return schedule(); }
        if (state.ready) { window.location.replace(pdfUrl); return; }
        label.textContent = state.label;
        seconds.textContent = ", " + state.seconds + " s";
        if (state.failed) { failed.hidden = false; return; }
        schedule();
      })
      .catch(schedule);
  }

  function schedule() {
    if (polls < MAX_POLLS) { window.setTimeout(poll, polls < 10 ? 1000 : 3000); }
  }

  schedule();
})();
