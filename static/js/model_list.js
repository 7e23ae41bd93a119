// The model list (S-22…S-26): live filtering through htmx and the ⋮ menus (the delete
// dialog they open is shared: base.js).
// No inline scripts: the CSP forbids them.
(() => {
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
