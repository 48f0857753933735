// A form that came back with errors: move the focus to its list of errors, so a screen reader reads them at once
// and a keyboard user starts from the links to the fields (core/_error_summary.html). A link there puts the focus
// in its field (a link to a fragment only scrolls).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.focus();
  });
});
