// Behaviour shared by every page. No inline scripts: the CSP forbids them.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select) select.form.requestSubmit();
});

// On a phone a table collapses to stacked rows (app.css), each cell led by its column's
// heading: read here from the table's head rather than repeated in every template. A column
// whose heading is only for screen readers (operations) gets no label.
const labelTableCells = () => {
  document.querySelectorAll("table").forEach((table) => {
    const heads = [...table.querySelectorAll("thead th")].map((th) => {
      const text = th.textContent.trim();
      return th.querySelector(".visually-hidden")?.textContent.trim() === text ? "" : text;
    });
    table.querySelectorAll("tbody tr").forEach((row) => {
      [...row.cells].forEach((cell, index) => {
        if (heads[index] && !cell.dataset.label) cell.dataset.label = heads[index];
      });
    });
  });
};
document.addEventListener("DOMContentLoaded", labelTableCells);
document.addEventListener("htmx:load", labelTableCells);

// A file picker (data-file-picker) is a button and the names of the chosen files instead of
// the browser's bare control. Listened to while capturing: a picker may stop its change
// event from reaching its form (the avatar does, see model_form.js).
document.addEventListener(
  "change",
  (event) => {
    const input = event.target;
    const names = input.closest?.("[data-file-picker]")?.querySelector("[data-file-picker-names]");
    if (!names || input.type !== "file") return;
    names.textContent = [...input.files].map((file) => file.name).join(", ") || names.dataset.none;
  },
  true,
);

// Deleting asks first, in a <dialog> (templates/catalog/_delete_dialog.html; S-60…S-63).
// A trigger names its dialog (data-delete-dialog, else "delete-dialog") and what it deletes
// (data-delete-title). It is a link with data-delete-url (the list's ⋮ menu: without
// JavaScript it opens the confirmation page) or a form (a version, a file: without
// JavaScript it posts at once); a form's own fields go along with the dialog's form.
(() => {
  const CONFIRM_WORD = "confirm";

  // Confirm stays disabled until the box holds exactly the word (S-61).
  const syncConfirm = (form) => {
    const input = form.querySelector("[data-testid=confirm-input]");
    const button = form.querySelector("[data-delete-confirm]");
    if (input && button) button.disabled = input.value !== CONFIRM_WORD;
  };

  document.addEventListener("input", (event) => {
    const form = event.target.closest("[data-delete-form]");
    if (form) syncConfirm(form);
  });

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-delete-form]").forEach(syncConfirm);
  });

  const carriedFields = (trigger) =>
    trigger instanceof HTMLFormElement
      ? [...trigger.querySelectorAll("input[type=hidden]:not([name=csrfmiddlewaretoken])")].map(
          (input) => input.cloneNode(),
        )
      : [];

  // Opens the trigger's dialog set to post to `action`; false when the page has none.
  const openDialog = (trigger, action) => {
    const dialog = document.getElementById(trigger.dataset.deleteDialog || "delete-dialog");
    if (!dialog) return false;
    trigger.closest("details")?.removeAttribute("open");
    const form = dialog.querySelector("[data-delete-form]");
    form.reset();
    form.action = action;
    form.querySelector("[data-delete-next]").value = window.location.pathname + window.location.search;
    form.querySelector("[data-delete-fields]")?.replaceChildren(...carriedFields(trigger));
    const name = dialog.querySelector("[data-delete-name]");
    name.textContent = name.dataset.quoted.replace("%(name)s", trigger.dataset.deleteTitle);
    syncConfirm(form);
    dialog.showModal();
    (form.querySelector("[data-testid=confirm-input]") || form.querySelector("[data-delete-cancel]")).focus();
    return true;
  };

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-delete-url]");
    if (link && openDialog(link, link.dataset.deleteUrl)) {
      event.preventDefault();
      return;
    }
    if (event.target.closest("[data-delete-cancel]")) {
      event.target.closest("dialog")?.close();
    }
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches("form[data-delete-dialog]") && openDialog(form, form.action)) {
      event.preventDefault();
    }
  });
})();
