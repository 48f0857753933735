// The inspection checklist works without a network. Every answer, note and photo is kept on the phone (IndexedDB:
// photos are too big for localStorage) as the inspector goes, so a reload or a dead battery loses nothing.
// Submitting locks the form and queues the inspection; it is sent as soon as the network is back, and the server
// accepts the same submission (client id) once, so a retry after a lost reply does no harm.
(function () {
  const form = document.getElementById("checklist");
  const stale = document.querySelector("[data-drop-draft]");
  const DB = "chuangwen-inspections";
  const STORE = "drafts";

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  async function withStore(mode, work) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
    });
  }
  const load = (key) => withStore("readonly", (store) => store.get(key));
  const put = (draft) => withStore("readwrite", (store) => store.put(draft));
  const drop = (key) => withStore("readwrite", (store) => store.delete(key));

  if (stale) { drop(stale.dataset.dropDraft); }  // a submitted inspection needs no copy on the phone
  if (!form || !window.indexedDB) return;

  const key = form.dataset.draftKey;
  const status = document.getElementById("offline-status");
  const skip = new Set(["csrfmiddlewaretoken"]);
  let draft = { key, url: form.action || location.href, clientId: "", fields: [], photos: {}, queued: false };

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return `${Date.now().toString(16)}-${Math.random().toString(16).slice(2)}`;
  }
  function show(message, kind) {
    status.textContent = message;
    status.className = `alert alert-${kind} py-2 small sticky-top shadow-sm`;
  }
  function fields() {
    return Array.from(new FormData(form).entries())
      .filter(([name, value]) => !skip.has(name) && typeof value === "string");
  }
  function showPhotos(name) {
    const list = form.querySelector(`[data-photos-for="${CSS.escape(name)}"]`);
    const kept = draft.photos[name] || [];
    if (list) list.textContent = kept.length ? form.dataset.msgPhotos.replace("{n}", kept.length) : "";
  }
  function lock(locked) {
    for (const el of form.elements) {
      if (el.name !== "csrfmiddlewaretoken") el.disabled = locked;
    }
  }
  async function save() {
    if (draft.queued) return;
    draft.fields = fields();
    draft.savedAt = Date.now();
    await put(draft);
    show(form.dataset.msgKept.replace("{time}", new Date(draft.savedAt).toLocaleTimeString()), "secondary");
  }
  async function keepPhotos(input) {
    draft.photos[input.name] = Array.from(input.files).map((file) => ({ name: file.name, type: file.type, blob: file }));
    showPhotos(input.name);
    await save();
  }
  function restore(saved) {
    draft = Object.assign(draft, saved);
    for (const [name, value] of draft.fields) {
      for (const input of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
        if (input.type === "radio" || input.type === "checkbox") input.checked = input.value === value;
        else if (input.type !== "file" && value) input.value = value;
      }
    }
    for (const [name, photos] of Object.entries(draft.photos)) {
      const input = form.querySelector(`input[type=file][name="${CSS.escape(name)}"]`);
      if (input && photos.length && window.DataTransfer) {
        const files = new DataTransfer();  // the photos go back into the input, so what is shown is what is sent
        for (const p of photos) files.items.add(new File([p.blob], p.name, { type: p.type }));
        input.files = files.files;
      }
      showPhotos(name);
    }
  }
  function showErrors(errors) {
    const box = document.getElementById("checklist-errors");
    box.innerHTML = "";
    const list = document.createElement("ul");
    list.className = "mb-0";
    for (const message of errors) {
      const item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
    }
    box.appendChild(list);
    box.classList.remove("d-none");
    box.scrollIntoView({ behavior: "smooth", block: "center" });
  }

  let flushing = false;
  async function flush() {
    if (flushing || !draft.queued) return;
    flushing = true;
    try {
      const token = form.querySelector("[name=csrfmiddlewaretoken]").value;
      const body = new FormData();
      body.append("csrfmiddlewaretoken", token);
      body.append("client_id", draft.clientId);
      for (const [name, value] of draft.fields) body.append(name, value);
      for (const [name, photos] of Object.entries(draft.photos)) {
        for (const p of photos) body.append(name, p.blob, p.name);
      }
      let reply;
      try {
        reply = await fetch(draft.url, { method: "POST", body, credentials: "same-origin",
                                         headers: { "X-Requested-With": "fetch", "X-CSRFToken": token } });
      } catch (error) {
        show(form.dataset.msgQueued, "warning");
        return;
      }
      const data = await reply.json().catch(() => null);
      if (data === null) {  // signed out meanwhile (a login page came back): keep everything
        show(form.dataset.msgSignin, "danger");
        return;
      }
      if (reply.ok && data.ok) {
        await drop(key);
        location.assign(data.redirect);
        return;
      }
      draft.queued = false;  // refused: unlock, so the inspector can fix what the server names
      await put(draft);
      lock(false);
      showErrors(data.errors || [reply.statusText]);
      show(form.dataset.msgRefused, "danger");
    } finally {
      flushing = false;
    }
  }

  form.addEventListener("input", (event) => { if (event.target.type !== "file") save(); });
  form.addEventListener("change", (event) => {
    if (event.target.type === "file") keepPhotos(event.target); else save();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    draft.fields = fields();
    draft.clientId = draft.clientId || uuid();
    draft.queued = true;
    await put(draft);
    lock(true);
    show(form.dataset.msgSending, "info");
    flush();
  });
  window.addEventListener("online", flush);
  setInterval(() => { if (navigator.onLine) flush(); }, 10000);

  load(key).then((saved) => {
    if (saved) {
      restore(saved);
      if (draft.queued) { lock(true); show(form.dataset.msgQueued, "warning"); flush(); }
      else show(form.dataset.msgRestored, "secondary");
    }
    if (navigator.geolocation) {
      navigator.geolocation.getCurrentPosition((p) => {
        form.querySelector("[name=lon]").value = p.coords.longitude.toFixed(6);
        form.querySelector("[name=lat]").value = p.coords.latitude.toFixed(6);
        document.getElementById("gps-status").textContent = form.dataset.msgLocated;
        save();
      }, () => {
        if (!form.querySelector("[name=lon]").value) document.getElementById("gps-status").textContent = form.dataset.msgNoLocation;
      }, { enableHighAccuracy: true, timeout: 10000 });
    } else {
      document.getElementById("gps-status").textContent = form.dataset.msgNoLocation;
    }
  });
})();
