// The fieldwork form works without a network: every change is kept in localStorage, a submitted response waits in
// a queue on the phone until the server has it, and the server counts a response once (by its client id).
(function () {
  const form = document.getElementById("survey-form");
  if (!form) return;
  const draftKey = form.dataset.draftKey;
  const queueKey = "survey-queue";
  const status = document.getElementById("survey-status");
  const skip = new Set(["csrfmiddlewaretoken"]);

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  function show(message, kind) {
    status.textContent = message;
    status.className = `alert alert-${kind}`;
  }
  function entries() {
    return Array.from(new FormData(form).entries()).filter(([name]) => !skip.has(name));
  }
  function saveDraft() { localStorage.setItem(draftKey, JSON.stringify(entries())); }
  function restoreDraft() {
    const saved = JSON.parse(localStorage.getItem(draftKey) || "null");
    if (!saved) return false;
    for (const [name, value] of saved) {
      for (const input of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
        if (input.type === "radio" || input.type === "checkbox") { if (input.value === value) input.checked = true; }
        else input.value = value;
      }
    }
    return true;
  }
  function fresh() {
    form.querySelector("[name=client_id]").value = uuid();
    form.querySelector("[name=started_at]").value = String(Date.now());
  }
  function queue() { return JSON.parse(localStorage.getItem(queueKey) || "[]"); }
  function setQueue(items) { localStorage.setItem(queueKey, JSON.stringify(items)); }
  function clearErrors() {
    form.querySelectorAll("[data-error-for]").forEach((el) => { el.textContent = ""; });
  }
  function showErrors(errors) {
    clearErrors();
    for (const [name, list] of Object.entries(errors)) {
      const target = form.querySelector(`[data-error-for="${name}"]`);
      if (target) target.textContent = list.map((e) => e.message).join(" ");
    }
    show(form.dataset.msgErrors, "danger");
    const first = form.querySelector("[data-error-for]:not(:empty)");
    if (first) first.closest("[data-field]").scrollIntoView({ behavior: "smooth", block: "center" });
  }

  const KEEP = ["channel", "unit"];
  const quotas = JSON.parse(document.getElementById("survey-quotas")?.textContent || "null");
  // The chosen community's quota under its field: "新华社区配额：已完成 12 / 30 份有效问卷".
  function showQuota() {
    const line = document.getElementById("unit-quota");
    const unit = form.elements.unit;
    if (!line || !quotas || !unit) return;
    const quota = quotas[unit.value];
    line.textContent = quota ? form.dataset.msgQuota.replace("{name}", quota.name)
      .replace("{filled}", quota.filled).replace("{target}", quota.target) : "";
  }
  // After a response is saved, the surveyor's counts and the community's quota as the server has them now.
  function counted(data) {
    for (const [key, value] of Object.entries(data.mine || {})) {
      const shown = document.querySelector(`[data-mine="${key}"]`);
      if (shown) shown.textContent = value;
    }
    if (data.quota && quotas) {
      for (const [unit, quota] of Object.entries(quotas)) {
        if (quota.name === data.quota.name) quotas[unit] = data.quota; // a town's quota is every community's
      }
    }
    showQuota();
  }

  let flushing = false;
  async function flush() {
    if (flushing) return;
    flushing = true;
    const token = form.querySelector("[name=csrfmiddlewaretoken]").value;
    let sentLater = 0;
    try {
      for (const item of queue()) {
        const body = new FormData();
        body.append("csrfmiddlewaretoken", token);
        for (const [name, value] of item.entries) body.append(name, value);
        let reply;
        try {
          reply = await fetch(item.url, { method: "POST", body, credentials: "same-origin",
                                          headers: { "X-Requested-With": "fetch", "X-CSRFToken": token } });
        } catch (error) {
          show(form.dataset.msgQueued, "warning");
          return;
        }
        setQueue(queue().filter((other) => other.id !== item.id));
        const data = await reply.json().catch(() => ({}));
        if (reply.ok) {
          if (item.id === form.querySelector("[name=client_id]").value) {
            localStorage.removeItem(draftKey);
            // The next respondent is met the same way, in the same community: keep both.
            const kept = KEEP.map((name) => [name, form.elements[name] ? form.elements[name].value : ""]);
            form.reset();
            for (const [name, value] of kept) if (value) form.elements[name].value = value;
            clearErrors();
            fresh();
            saveDraft();
            counted(data);
            show(data.created === false ? form.dataset.msgDuplicate : form.dataset.msgSaved, "success");
            window.scrollTo(0, 0);
          } else sentLater += 1;
        } else if (reply.status === 400 && data.errors) {
          showErrors(data.errors);
        }
      }
      if (sentLater) show(form.dataset.msgSentLater, "success");
    } finally {
      flushing = false;
    }
  }

  if (!restoreDraft()) fresh();
  if (!form.querySelector("[name=client_id]").value) fresh();
  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition((p) => {
      form.querySelector("[name=lat]").value = p.coords.latitude.toFixed(6);
      form.querySelector("[name=lon]").value = p.coords.longitude.toFixed(6);
      saveDraft();
    }, () => {}, { timeout: 10000 });
  }
  showQuota();
  if (form.elements.unit) form.elements.unit.addEventListener("change", showQuota);
  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    saveDraft();
    const id = form.querySelector("[name=client_id]").value;
    setQueue(queue().filter((item) => item.id !== id).concat([{ id, url: form.action || location.href, entries: entries() }]));
    flush();
  });
  window.addEventListener("online", flush);
  setInterval(() => { if (navigator.onLine && queue().length) flush(); }, 15000);
  if (queue().length) flush();
})();
