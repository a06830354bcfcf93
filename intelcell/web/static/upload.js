// The bulk upload pages (intelcell/web/upload_pages.py).
// The form: a file over the server's size limit (data-max-bytes) is not sent at all; the page says
// so at once instead of uploading it to be refused (the server refuses it too: api/limits.py).
// The progress page: ask the server every half second how many records are stored and move the
// <progress> bar, then say how it ended. The page already shows the state it was served with;
// without scripts it reloads itself instead.
"use strict";

const EVERY_MS = 500;
const number = new Intl.NumberFormat("en-GB");

function sentence(job) {
  const stored = number.format(job.stored);
  const records = number.format(job.records);
  const rest = number.format(job.records - job.stored);
  const again = " Uploading the same file again stores the rest (records already stored are not stored twice).";
  switch (job.state) {
    case "storing":
      return `${stored} of ${records} records stored…`;
    case "done":
      return `All ${records} records are stored.`;
    case "failed":
      return `Storing stopped: ${stored} of ${records} records are stored, the other ${rest} are not. ${job.error}.${again}`;
    default:
      return `Interrupted: the server stopped while storing; ${stored} of ${records} records are stored.${again}`;
  }
}

function follow(box) {
  const bar = box.querySelector("progress");
  const status = box.querySelector("[data-status]");
  const result = box.querySelector("[data-result]");
  const url = `/fighters/upload/${encodeURIComponent(box.dataset.upload)}.json`;
  let shown = "";
  const poll = async () => {
    let job;
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) {
        status.textContent = "The progress cannot be read just now; reload the page to see it.";
        return;
      }
      job = await response.json();
    } catch {
      window.setTimeout(poll, EVERY_MS * 4); // the network hiccupped: try again a little later
      return;
    }
    bar.max = job.records;
    bar.value = job.stored;
    bar.textContent = `${job.stored} of ${job.records}`;
    box.dataset.state = job.state;
    const text = sentence(job);
    if (text !== shown) {
      status.textContent = text; // only on change: aria-live announces each new text
      shown = text;
    }
    if (job.state === "storing") {
      window.setTimeout(poll, EVERY_MS);
    } else {
      result.hidden = false;
    }
  };
  if (box.dataset.state === "storing") {
    window.setTimeout(poll, EVERY_MS);
  }
}

function tooLarge(file, limit) {
  const size = number.format(file.size);
  return `The file is ${size} bytes; one upload may be at most ${number.format(limit)} bytes, so it was not sent ` +
    "and nothing was stored. Split it into smaller files, or load it with the command line (intelcell upload).";
}

function guardSize(form) {
  const limit = Number(form.dataset.maxBytes);
  const input = form.querySelector("input[type=file]");
  const message = document.querySelector("[data-size-error]");
  if (!input || !message || !limit) {
    return;
  }
  const check = () => {
    const file = input.files && input.files[0];
    const over = Boolean(file && file.size > limit);
    message.textContent = over ? tooLarge(file, limit) : "";
    message.hidden = !over;
    input.setAttribute("aria-invalid", over ? "true" : "false");
    return over;
  };
  input.addEventListener("change", check);
  form.addEventListener("submit", (event) => {
    if (check()) {
      event.preventDefault();
      event.stopPropagation(); // base.js must not mark the form busy: nothing is being sent
      input.focus();
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-max-bytes]")) {
    guardSize(form);
  }
  for (const box of document.querySelectorAll("[data-upload]")) {
    follow(box);
  }
});
