// The FTF record form (intelcell/web/record_form_pages.py): add and remove rows of a repeated field
// (names, aliases, kunyas, birth dates, nationalities, documents). A file, not inline script: the
// page policy runs scripts from intelcell only. Without scripts the form still works: the server
// renders every stored value and one blank row per field.
"use strict";

function renumber(group) {
  const title = group.dataset.title || "Value";
  group.querySelectorAll("[data-row]").forEach((row, n) => {
    for (const input of row.querySelectorAll("input, select")) {
      const part = input.tagName === "SELECT" ? ": kind" : input.closest(".doc-row") ? ": number" : "";
      input.setAttribute("aria-label", `${title} ${n + 1}${part}`);
    }
    const remove = row.querySelector("[data-remove]");
    if (remove) {
      remove.setAttribute("aria-label", `Remove ${title.toLowerCase()} ${n + 1}`);
    }
  });
}

function attach(group) {
  const rows = group.querySelector("[data-rows]");
  const add = group.querySelector("[data-add]");
  if (!rows || !add) {
    return;
  }
  let made = 0;
  add.hidden = false;
  for (const button of group.querySelectorAll("[data-remove]")) {
    button.hidden = false;
  }
  add.addEventListener("click", () => {
    const last = rows.querySelector("[data-row]:last-of-type");
    const row = last.cloneNode(true);
    made += 1;
    row.classList.remove("invalid");
    for (const error of row.querySelectorAll("[data-field-error]")) {
      error.remove();
    }
    for (const input of row.querySelectorAll("input, select")) {
      input.id = `${input.id.replace(/-new\d+$/, "")}-new${made}`;
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      if (input.tagName === "INPUT") {
        input.value = "";
      }
    }
    rows.appendChild(row);
    renumber(group);
    row.querySelector("input").focus();
  });
  rows.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove]");
    if (!button) {
      return;
    }
    const row = button.closest("[data-row]");
    if (rows.querySelectorAll("[data-row]").length > 1) {
      row.remove();
      renumber(group);
      add.focus();
    } else {
      for (const input of row.querySelectorAll("input")) {
        input.value = ""; // the last row stays, emptied, so there is always one to type into
      }
    }
  });
}

for (const group of document.querySelectorAll("fieldset[data-repeat]")) {
  attach(group);
}
