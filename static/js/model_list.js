// The model list (S-22…S-26, S-60…S-63): live filtering through htmx and the delete dialog.
// No inline scripts: the CSP forbids them.
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

  document.addEventListener("click", (event) => {
    const trigger = event.target.closest("[data-delete-url]");
    const dialog = document.getElementById("delete-dialog");
    if (trigger && dialog) {
      event.preventDefault();
      trigger.closest("details")?.removeAttribute("open");
      const form = dialog.querySelector("[data-delete-form]");
      form.action = trigger.dataset.deleteUrl;
      form.querySelector("[data-delete-next]").value = window.location.pathname + window.location.search;
      dialog.querySelector("[data-delete-name]").textContent = `“${trigger.dataset.deleteTitle}”`;
      form.reset();
      syncConfirm(form);
      dialog.showModal();
      form.querySelector("[data-testid=confirm-input]").focus();
      return;
    }
    if (event.target.closest("[data-delete-cancel]")) {
      event.target.closest("dialog")?.close();
    }
  });

  // An open ⋮ menu closes on a click elsewhere or on Escape.
  const closeMenus = (except) => {
    document.querySelectorAll("details.card-menu[open]").forEach((menu) => {
      if (menu !== except) menu.removeAttribute("open");
    });
  };
  document.addEventListener("click", (event) => closeMenus(event.target.closest("details.card-menu")));
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") closeMenus(null); });

  // Controls placed outside the filter form (the page size at the bottom right) still
  // belong to it through their form attribute; changing one applies the whole state.
  document.addEventListener("change", (event) => {
    const control = event.target;
    if (control.getAttribute && control.getAttribute("form") === "list-filters") {
      document.getElementById("list-filters")?.requestSubmit();
    }
  });

  // Keep the address bar short: leave empty fields out of the query string.
  document.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.elt.id !== "list-filters") return;
    const data = event.detail.formData;
    if (!data) return;
    const empty = [];
    for (const [key, value] of data.entries()) if (value === "") empty.push(key);
    empty.forEach((key) => data.delete(key));
  });

  // A plain (no-htmx) submit does the same.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.id !== "list-filters" || window.htmx) return;
    [...form.elements].forEach((el) => { if (el.name && el.value === "") el.disabled = true; });
  });
})();
