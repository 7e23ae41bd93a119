// The sharing tab: let htmx swap in the panel when the server refuses input (400) or
// finds nothing (404), so the message appears next to the field instead of being dropped.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  const target = event.detail.target;
  if ((status === 400 || status === 404) && target && target.id === "sharing-panel") {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
