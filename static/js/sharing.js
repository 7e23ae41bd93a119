// The sharing tab: let htmx swap in the panel when the server refuses input (400), finds
// nothing (404) or refuses for now (429, a rate limit), and the e-mail hint when its look-up
// is rate-limited, so the message appears next to the field instead of being dropped.
const SWAPPED_REFUSALS = { "sharing-panel": [400, 404, 429], "email-hint": [429] };

document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  const target = event.detail.target;
  if (target && (SWAPPED_REFUSALS[target.id] || []).includes(status)) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
