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

// A table wider than a phone scrolls inside its .table-responsive box; a keyboard user can scroll it only if the box
// takes the focus (WCAG 2.1.1). Which boxes overflow depends on the data and the screen, so it is decided here, on
// load, on resize and after an htmx swap, not in each template. The box is named after its table's caption or the
// heading above it, so a screen reader says what the focus landed on.
(() => {
  // A heading's own words, without the count or badge some headings carry in a nested span (or, in a card header
  // made of spans, its first one: the title).
  const words = (el) => {
    const own = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join("");
    const first = el.firstElementChild && el.firstElementChild.textContent.trim();
    return own.trim() || first || el.textContent.trim();
  };
  const nameOf = (box) => {
    const caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    const card = box.closest(".card");
    const heading = card && (card.querySelector("h2, h3, h4, h5") || card.querySelector(".card-header"));
    if (heading && heading.textContent.trim()) return words(heading);
    let previous = box.previousElementSibling;
    while (previous && !/^H[1-6]$/.test(previous.tagName)) previous = previous.previousElementSibling;
    return words(previous || document.querySelector("h1") || document.querySelector("title"));
  };
  const mark = () => {
    for (const box of document.querySelectorAll(".table-responsive")) {
      const overflows = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
      if (overflows && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-focus", "");
        if (!box.hasAttribute("role")) box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) box.setAttribute("aria-label", nameOf(box));
      } else if (!overflows && box.hasAttribute("data-scroll-focus")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-focus");
      }
    }
  };
  document.addEventListener("DOMContentLoaded", mark);
  document.addEventListener("htmx:afterSettle", mark);
  // Once per frame however many resize events come; the next frame sees the new layout.
  let pending = false;
  window.addEventListener("resize", () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      mark();
    });
  });
})();
