// The composer's link finder (intelcell/web/report_pages.py): as the analyst types a name, list
// the readable objects that match (/reports/linkable.json) and add a chosen one's id to the
// "Linked objects" field. Without this script the field takes ids typed by hand.
"use strict";

const FINDER_PAUSE_MS = 250;

function attachFinder(finder) {
  const field = document.querySelector("textarea[data-links]");
  const input = finder.querySelector("[data-link-query]");
  const results = finder.querySelector("[data-link-results]");
  if (!field || !input || !results) {
    return;
  }
  finder.hidden = false;
  let timer = null;
  let asked = "";
  const add = (id) => {
    const ids = field.value.split(/\s+/).filter(Boolean);
    if (!ids.includes(id)) {
      ids.push(id);
      field.value = ids.join("\n");
    }
  };
  const show = (items) => {
    results.replaceChildren();
    for (const item of items) {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.dataset.linkId = item.id;
      button.textContent = `Link ${item.name} (${item.type}, ${item.label})`;
      button.addEventListener("click", () => {
        add(item.id);
        button.disabled = true;
        button.textContent = `Linked: ${item.name}`;
      });
      li.append(button);
      results.append(li);
    }
    if (!items.length) {
      const li = document.createElement("li");
      li.textContent = "No object you may read matches.";
      results.append(li);
    }
  };
  const ask = async () => {
    const q = input.value.trim();
    if (q === asked) {
      return;
    }
    asked = q;
    if (!q) {
      results.replaceChildren();
      return;
    }
    const response = await fetch(`/reports/linkable.json?${new URLSearchParams({ q })}`, { credentials: "same-origin" });
    if (q !== asked) {
      return;
    }
    show(response.ok ? (await response.json()).objects : []);
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(ask, FINDER_PAUSE_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault(); // Enter searches; it must not publish the report
      ask();
    }
  });
}

for (const finder of document.querySelectorAll("[data-link-finder]")) {
  attachFinder(finder);
}
