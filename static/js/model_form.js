// Create / edit model page: rich-text editor words and rules, and the avatar's own preview
// (the tag fields' chips are static/js/tag_chips.js). Loaded before Trix (see model_form.html).
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
})();
