// Every page of the browser UI (intelcell/web/templates/base.html). A file, not inline script:
// the Content-Security-Policy runs scripts from intelcell only (issue 7 item 6).
//
// Long operations: a form marked data-busy="Screening…" shows that text on its submit button,
// marks itself aria-busy (screen readers announce it; base.css adds a visible "working" hint),
// and cannot be sent twice while the server works.
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-busy")) {
    return;
  }
  if (form.getAttribute("aria-busy") === "true") {
    event.preventDefault(); // already sent: a second click must not send it again
    return;
  }
  form.setAttribute("aria-busy", "true");
  form.classList.add("busy");
  for (const button of form.querySelectorAll("button[type=submit], button:not([type])")) {
    button.dataset.label = button.textContent;
    button.textContent = form.getAttribute("data-busy") || "Working…";
    button.setAttribute("aria-disabled", "true");
  }
});

// A page restored from the back-forward cache must not keep a busy form.
window.addEventListener("pageshow", () => {
  for (const form of document.querySelectorAll("form[aria-busy=true]")) {
    form.removeAttribute("aria-busy");
    form.classList.remove("busy");
    for (const button of form.querySelectorAll("button[data-label]")) {
      button.textContent = button.dataset.label;
      button.removeAttribute("aria-disabled");
    }
  }
});
