// Create / edit model page: rich-text editor rules and the avatar's own preview (the tag
// fields' chips are static/js/tag_chips.js).
(() => {
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
