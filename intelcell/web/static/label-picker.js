// The label picker (intelcell/web/picker.py): as a label is typed into an input marked
// data-label-picker, say under it who will be able to read the object, or why the label may not
// be used. The server answers with the rule it applies when the form is sent, so this is a
// preview, never the check itself.
"use strict";

const PAUSE_MS = 250;

function attach(input) {
  const out = document.getElementById(input.dataset.labelPicker);
  if (!out) {
    return;
  }
  let timer = null;
  let asked = "";
  const show = (text, refused) => {
    out.textContent = text;
    out.classList.toggle("refused", refused);
  };
  const ask = async () => {
    const label = input.value.trim();
    if (label === asked) {
      return;
    }
    asked = label;
    if (!label) {
      show("Type or choose a label to see who will be able to read it.", false);
      return;
    }
    const query = new URLSearchParams({ label });
    if (input.dataset.collection) {
      query.set("collection", input.dataset.collection);
    }
    try {
      const response = await fetch(`/labels/readers.json?${query}`, { credentials: "same-origin" });
      const answer = await response.json();
      if (label !== asked) {
        return; // a newer question is on its way
      }
      if (!response.ok) {
        show(answer.reason || "Not a label.", true);
      } else if (!answer.assignable) {
        show(`You may not use this label: ${answer.refusal}.`, true);
      } else {
        show(answer.sentence, false);
      }
    } catch (error) {
      show("Could not check the label just now; it is checked again when you send.", true);
    }
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(ask, PAUSE_MS);
  });
  input.addEventListener("change", ask);
}

for (const input of document.querySelectorAll("input[data-label-picker]")) {
  attach(input);
}
