// Behaviour shared by every page. No inline scripts: the CSP forbids them.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select) select.form.requestSubmit();
});
