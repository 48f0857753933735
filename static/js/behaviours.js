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
  // <button data-near-me data-denied="…" data-auto="1">: asks the phone where it is and reloads the page with
  // ?lon=&lat= (WGS-84), for the server to list what is nearest first. With data-auto="1" it does so by itself
  // when the person has already let this site know their location (no prompt on opening the page).
  function locate(button) {
    var status = document.querySelector("[data-near-me-status]");
    if (!navigator.geolocation) { if (status) status.textContent = button.dataset.denied; return; }
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (position) {
      var params = new URLSearchParams(window.location.search);
      params.set("lon", position.coords.longitude.toFixed(5));
      params.set("lat", position.coords.latitude.toFixed(5));
      window.location.search = params.toString();
    }, function () {
      button.disabled = false;
      if (status) status.textContent = button.dataset.denied;
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-near-me]") : null;
    if (button) { event.preventDefault(); locate(button); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-near-me][data-auto='1']");
    if (!button || !navigator.permissions || !navigator.geolocation) return;
    navigator.permissions.query({ name: "geolocation" }).then(function (answer) {
      if (answer.state === "granted") locate(button);
    }, function () {});
  });
})();
