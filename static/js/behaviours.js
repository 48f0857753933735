// Small page behaviours declared in the markup with data attributes. The Content-Security-Policy refuses inline
// event handlers (onclick=…) and javascript: links, so every template says what it wants here instead.
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option submits its form.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-select-all],[data-open-all],[data-print],[data-back]") : null;
    if (!el) return;
    // <input type=checkbox data-select-all="input[name=cases]">: ticks or unticks every matching box.
    if (el.dataset.selectAll) {
      document.querySelectorAll(el.dataset.selectAll).forEach(function (box) { box.checked = el.checked; });
      return;
    }
    event.preventDefault();
    if (el.dataset.openAll) {
      // <button data-open-all=".fw-tree details" data-open="1|0">: expands or collapses every matching <details>.
      var open = el.dataset.open === "1";
      document.querySelectorAll(el.dataset.openAll).forEach(function (d) { d.open = open; });
    } else if (el.hasAttribute("data-print")) {
      window.print();
    } else if (el.hasAttribute("data-back")) {
      history.back();
    }
  });
})();
