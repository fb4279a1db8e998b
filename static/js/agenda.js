// The agenda page: expand or collapse every case block, open them all before printing, and
// suggest cases to add as the coordinator types an MRN, an NHS number or a name. The search is
// sent in a POST body (never in the address, so no patient detail reaches a log).
(function () {
  "use strict";
  const blocks = () => document.querySelectorAll("details.agenda-details");

  document.querySelectorAll("[data-agenda-toggle]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      const open = button.dataset.agendaToggle === "open";
      blocks().forEach((details) => { details.open = open; });
    });
  });

  // A closed <details> prints only its summary: open every block for the printout.
  window.addEventListener("beforeprint", () => { blocks().forEach((details) => { details.open = true; }); });

  const search = document.getElementById("case-search");
  if (!search) { return; }
  const list = document.getElementById("case-search-results");
  const chosen = document.getElementById("id_case_number");
  const form = search.closest("form");
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  let timer = null;
  let asked = 0;

  function show(results) {
    list.replaceChildren();
    if (!results.length) {
      const empty = document.createElement("li");
      empty.className = "list-group-item small";
      empty.textContent = "No open case matches.";
      list.append(empty);
    }
    results.forEach((result) => {
      const item = document.createElement("li");
      item.className = "list-group-item p-0";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-link text-start w-100 case-suggestion";
      button.textContent = result.label;
      button.addEventListener("click", () => {
        chosen.value = result.case_id;
        search.value = result.label;
        list.replaceChildren();
        search.setAttribute("aria-expanded", "false");
        document.getElementById("case-search-chosen").textContent = "Chosen: " + result.label + ". Press “Add to the agenda”.";
      });
      item.append(button);
      list.append(item);
    });
    search.setAttribute("aria-expanded", "true");
  }

  search.addEventListener("input", () => {
    window.clearTimeout(timer);
    const query = search.value.trim();
    if (query.length < 2) { list.replaceChildren(); return; }
    timer = window.setTimeout(() => {
      const ticket = ++asked;
      const body = new URLSearchParams({ q: query, csrfmiddlewaretoken: token });
      fetch(search.dataset.suggestUrl, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": token } })
        .then((response) => (response.ok ? response.json() : { results: [] }))
        .then((data) => { if (ticket === asked) { show(data.results); } });
    }, 250);
  });
})();
