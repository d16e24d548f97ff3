// Behaviour of the shared layout, kept out of the HTML: the Content-Security-Policy runs no inline script.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // The language selector submits its form as soon as a language is chosen.
  for (const select of document.querySelectorAll("select[data-submit-on-change]")) {
    select.addEventListener("change", () => select.form.submit());
  }
});
