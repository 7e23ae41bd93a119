// The fine-tune form shows (and submits) only the chosen recipe's parameters.
(function () {
  "use strict";
  const form = document.querySelector("[data-finetune-form]");
  if (!form) return;
  const select = form.querySelector("select[name=recipe]");
  function show() {
    form.querySelectorAll("fieldset[data-recipe]").forEach(function (fieldset) {
      const chosen = fieldset.dataset.recipe === select.value;
      fieldset.disabled = !chosen;
      fieldset.hidden = !chosen;
    });
  }
  select.addEventListener("change", show);
  show();
})();
