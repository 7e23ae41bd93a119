// Create / edit model page: rich-text editor words and rules, tag suggestions for comma
// lists. Loaded before Trix (see model_form.html).
(() => {
  // Trix builds its toolbar and link dialog from Trix.config.lang as an editor starts; the
  // page carries the words in its language (catalog/editor.py). window.Trix exists by then.
  document.addEventListener("trix-before-initialize", () => {
    const labels = document.getElementById("editor-labels");
    if (labels && window.Trix) Object.assign(window.Trix.config.lang, JSON.parse(labels.textContent));
  });

  // Overviews are text only: refuse file attachments in the editor.
  document.addEventListener("trix-file-accept", (event) => event.preventDefault());

  // The avatar input posts the file for its own preview once; the form's typing previews
  // then carry only the small signed token the server sent back, not the file again.
  document.querySelectorAll("[data-avatar-input]").forEach((input) => {
    ["input", "change"].forEach((type) =>
      input.addEventListener(type, (event) => event.stopPropagation()),
    );
  });

  // A <datalist> suggests whole values; for "a, b, c" inputs offer "a, b, <suggestion>".
  const originals = new Map();
  document.querySelectorAll("[data-tag-input]").forEach((input) => {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    originals.set(list, Array.from(list.options, (o) => o.value));
    input.addEventListener("input", () => {
      const parts = input.value.split(",");
      const current = parts.pop().trim().toLowerCase();
      const chosen = new Set(parts.map((p) => p.trim().toLowerCase()));
      const prefix = parts.length ? parts.map((p) => p.trim()).join(", ") + ", " : "";
      list.replaceChildren(
        ...originals
          .get(list)
          .filter((name) => !chosen.has(name.toLowerCase()))
          .filter((name) => !current || name.toLowerCase().includes(current))
          .slice(0, 30)
          .map((name) => new Option(prefix + name)),
      );
    });
  });
})();
