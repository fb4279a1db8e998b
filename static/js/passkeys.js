// Passkey ceremonies for the second-factor pages (signin/). A file, not an inline script:
// the Content Security Policy allows scripts from this origin only.
// Each <form data-passkey="register|authenticate" data-options-url="..."> asks the server for
// options, lets the browser create or use the passkey, and posts the answer to the form's action.
(function () {
  "use strict";

  function post(url, token, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body || {}),
    });
  }

  async function run(form) {
    const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    const optionsResponse = await post(form.dataset.optionsUrl, token);
    const options = await optionsResponse.json();
    if (!optionsResponse.ok) {
      throw new Error(options.error || "the server refused");
    }
    let credential;
    if (form.dataset.passkey === "register") {
      credential = await navigator.credentials.create({
        publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
      });
    } else {
      credential = await navigator.credentials.get({
        publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
      });
    }
    const name = form.querySelector("input[name=name]");
    const answer = await post(form.action, token, {
      credential: credential.toJSON(),
      name: name ? name.value : "",
    });
    const result = await answer.json();
    if (answer.ok && result.redirect) {
      window.location.assign(result.redirect);
      return;
    }
    throw new Error(result.error || "the passkey was not accepted");
  }

  document.querySelectorAll("form[data-passkey]").forEach(function (form) {
    const status = form.querySelector("[data-passkey-status]");
    form.querySelector("[data-passkey-button]").disabled = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      status.textContent = "";
      run(form).catch(function (error) {
        // NotAllowedError: cancelled, timed out, or no passkey of this account on this device.
        status.textContent =
          error.name === "NotAllowedError"
            ? "No passkey of this account was used (cancelled, timed out, or not on this device). " +
              "Try again, or use a code."
            : error.message;
      });
    });
  });
})();
