// Pick lists that fit a county: a <select data-picker> becomes a searchable list (Tom Select, vendored in
// static/vendor/tom-select/, loaded only on pages that have one). "tree" lists keep their indentation (the unit
// tree); grouped lists search their group's name too ("市容环境" finds its minor classes); a multiple pick whose
// options mark towns (data-town) gets an "all towns" button. The <label for> of the select moves to the search
// box, so the visible label still names it; without the script the plain <select> works as before.
(() => {
  "use strict";
  const me = document.currentScript;
  let loading = null;

  function load() {
    if (window.TomSelect) return Promise.resolve();
    if (!loading) {
      loading = new Promise((resolve, reject) => {
        const css = document.createElement("link");
        css.rel = "stylesheet";
        css.href = me.dataset.css;
        document.head.append(css);
        const js = document.createElement("script");
        js.src = me.dataset.js;
        js.onload = resolve;
        js.onerror = reject;
        document.head.append(js);
      });
    }
    return loading;
  }

  // "　　新华社区" → depth 2: the indent is drawn as padding, the name is what is searched and shown once picked.
  function depth(text) {
    const match = /^\u3000*/.exec(text || "");
    return match ? match[0].length : 0;
  }

  function allTownsButton(select, picker) {
    const towns = Array.from(select.querySelectorAll("option[data-town]"), (option) => option.value);
    if (!towns.length) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-outline-secondary mt-1";
    button.textContent = select.dataset.pickerAllLabel || "";
    button.addEventListener("click", () => picker.addItems(towns));
    picker.wrapper.insertAdjacentElement("afterend", button);
  }

  function enhance(select) {
    const multiple = select.multiple;
    // Indent below the list's top level (a list without the office starts at its departments and towns).
    const top = Math.min(...Array.from(select.options, (option) => (option.value ? depth(option.text) : 99)));
    // The empty choice ("全部", "暂不选择") is the box's placeholder, and a clear button goes back to it.
    const empty = select.querySelector('option[value=""]');
    const plugins = multiple ? { remove_button: { title: me.dataset.remove || "" } } : {};
    if (empty && !multiple) plugins.clear_button = { title: me.dataset.clear || "" };
    const picker = new window.TomSelect(select, {
      plugins,
      maxOptions: null,
      allowEmptyOption: false,
      placeholder: empty ? empty.textContent : undefined,
      searchField: ["text", "optgroup"],
      hidePlaceholder: false,
      render: {
        option: (data, escape) => {
          const indent = select.dataset.picker === "tree" ? depth(data.text) - top : 0;
          return `<div class="cw-pick-depth-${Math.max(0, Math.min(indent, 4))}">${escape(data.text.trim())}</div>`;
        },
        item: (data, escape) => `<div>${escape(data.text.trim())}</div>`,
        no_results: () => `<div class="no-results">${escape(me.dataset.none || "—")}</div>`,
      },
    });
    // The search box now carries the name and the value: the original select, kept for the form, is hidden from
    // screen readers too (Tom Select only hides it from sight), so it is not read twice.
    select.setAttribute("aria-hidden", "true");
    // A select named by its table's headers (aria-labelledby) rather than a <label for>: its search box too.
    const labelledBy = select.getAttribute("aria-labelledby");
    if (labelledBy && !picker.focus_node.hasAttribute("aria-labelledby")) {
      picker.focus_node.setAttribute("aria-labelledby", labelledBy);
    }
    if (multiple) allTownsButton(select, picker);
  }

  function escape(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  function setup(root) {
    const selects = root.querySelectorAll("select[data-picker]:not(.tomselected)");
    if (!selects.length) return;
    load().then(() => selects.forEach(enhance)).catch(() => {}); // the plain <select> stays usable
  }

  document.addEventListener("DOMContentLoaded", () => setup(document));
  document.addEventListener("htmx:afterSettle", (event) => setup(event.target));
})();
