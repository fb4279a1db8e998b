// Running total and band for a score form (cases/assessment_forms.py). The server recomputes on save.
(function () {
  "use strict";
  function setup(form) {
    var output = form.querySelector("[data-score-total]");
    var bands = JSON.parse(form.dataset.bands || "[]");
    var components = (form.dataset.components || "").split(",").filter(Boolean);

    function update() {
      var total = 0;
      var missing = 0;
      components.forEach(function (name) {
        var checked = form.querySelector('input[name="' + name + '"]:checked');
        if (checked && checked.dataset.points !== undefined) {
          total += parseInt(checked.dataset.points, 10);
        } else {
          missing += 1;
        }
      });
      if (!output) { return; }
      if (missing) {
        output.textContent = "Incomplete: " + missing + " of " + components.length + " components not chosen (partial " + total + ")";
        output.classList.add("score-incomplete");
        return;
      }
      var band = bands.find(function (b) { return total >= b.low && total <= b.high; });
      output.textContent = "Total " + total + (band ? " · " + band.label + (band.action ? " · " + band.action : "") : "");
      output.classList.remove("score-incomplete");
    }

    // SINS: fill the location from the level unless the user has chosen one.
    var level = form.querySelector("[data-level-locations]");
    var locationTouched = false;
    form.querySelectorAll('input[name="location"]').forEach(function (input) {
      input.addEventListener("change", function () { locationTouched = true; });
    });
    if (level) {
      var locations = JSON.parse(level.dataset.levelLocations);
      level.addEventListener("input", function () {
        var key = Object.keys(locations).find(function (k) { return k.toUpperCase() === level.value.trim().toUpperCase(); });
        if (key && !locationTouched) {
          var radio = form.querySelector('input[name="location"][value="' + locations[key] + '"]');
          if (radio) { radio.checked = true; update(); }
        }
      });
    }
    form.addEventListener("change", update);
    update();
  }
  function init() {
  document.querySelectorAll("form[data-score-form]").forEach(setup);
  // In the admin the bands travel on the running-total output inside an ordinary change form.
  document.querySelectorAll("output[data-score-total][data-bands]").forEach(function (output) {
    var form = output.closest("form");
    if (form && !form.hasAttribute("data-score-form")) {
      form.dataset.bands = output.dataset.bands;
      form.dataset.components = output.dataset.components;
      setup(form);
    }
  });
  }
  // The admin loads scripts in <head>: wait for the page.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
