// Copy buttons: <button data-copy="ID"> copies the text of the element with that id, and says
// so in the [data-copy-state] beside it (its words come from data-copied / data-copy-failed).
// The clipboard API needs a secure context (HTTPS, or localhost); elsewhere the text is
// selected and copied with execCommand, or left selected for the user to copy.
(() => {
  "use strict";
  // Several parts of a page may load this file (the header card, "Use this model"), and a
  // header swapped in after an upload loads it again: one listener is enough.
  if (window.modelhubCopyButtons) return;
  window.modelhubCopyButtons = true;

  function select(element) {
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  async function copy(element) {
    const text = element.textContent;
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch (error) {
        // Refused (no permission, document not focused): fall back to selecting.
      }
    }
    select(element);
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-copy]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    const copied = await copy(source);
    const state = button.parentElement.querySelector("[data-copy-state]");
    if (state) state.textContent = copied ? button.dataset.copied : button.dataset.copyFailed;
  });
})();
