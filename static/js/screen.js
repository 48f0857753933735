// The 大屏 (dashboard/templates/dashboard/screen.html): scales the 1920×1080 stage to the display, ticks the clock,
// polls each panel's small JSON (keeping the last data through a network blip and saying so), draws the charts with
// ECharts and the cases on the map module (map.js), and rotates the charts through the side slots when the screen
// shows more of them than there are slots. Every text from the server goes in as text, never as HTML.
(function () {
  "use strict";
  const stage = document.getElementById("stage");
  if (!stage) return;
  const W = 1920, H = 1080;
  const words = stage.dataset;
  const keys = words.panels ? words.panels.split(",") : [];
  const chartKeys = words.charts ? words.charts.split(",") : [];
  const refresh = Math.min(Number(words.refresh || 20), 30) * 1000;
  const rotate = Math.max(Number(words.rotate || 20), 5) * 1000;
  const last = {};          // panel key → its last data received
  const charts = {};        // slot id → ECharts instance
  let scale = 1;
  let asOf = "";

  // --- Fit the stage ------------------------------------------------------------------------------------------
  function fit() {
    scale = Math.min(window.innerWidth / W, window.innerHeight / H);
    stage.style.setProperty("--scale", String(scale));
  }

  // --- Clock ----------------------------------------------------------------------------------------------------
  const clock = document.getElementById("clock");
  // The county's time (the server's zone, as "data as of" is), whatever the display's own clock is set to.
  const zone = { timeZone: words.timeZone || undefined };
  const clockFormat = new Intl.DateTimeFormat(document.documentElement.lang || "zh-CN", {
    year: "numeric", month: "2-digit", day: "2-digit", weekday: "short", ...zone,
  });
  const timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || "zh-CN", {
    hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, ...zone,
  });
  function tick() {
    const now = new Date();
    clock.textContent = `${clockFormat.format(now)}  ${timeFormat.format(now)}`;
  }

  // --- Slots and rotation ---------------------------------------------------------------------------------------
  const hasMap = Boolean(document.getElementById("panel-map"));
  const slotCount = Math.min(chartKeys.length, hasMap ? 4 : 6);
  const slots = [];
  function makeSlots() {
    const left = document.getElementById("column-left");
    const right = document.getElementById("column-right");
    const leftCount = hasMap ? Math.ceil(slotCount / 2) : Math.ceil(slotCount / 2);
    for (let i = 0; i < slotCount; i++) {
      const panel = document.createElement("section");
      panel.className = "panel";
      panel.id = `slot-${i}`;
      const title = document.createElement("h2");
      title.className = "panel-title";
      const body = document.createElement("div");
      body.className = "chart";
      panel.append(title, body);
      // The slot's own charts: every slotCount-th one, starting at its index.
      const own = chartKeys.filter((_k, index) => index % slotCount === i);
      if (own.length > 1) {
        const pager = document.createElement("div");
        pager.className = "pager";
        pager.setAttribute("aria-hidden", "true");
        own.forEach(() => pager.appendChild(document.createElement("span")));
        panel.appendChild(pager);
      }
      (i < leftCount ? left : right).appendChild(panel);
      slots.push({ panel, title, body, own, at: 0 });
    }
  }
  function showSlot(slot) {
    const key = slot.own[slot.at];
    slot.panel.dataset.testid = `panel-${key}`;
    slot.panel.dataset.panel = key;
    slot.panel.querySelectorAll(".pager span").forEach((dot, index) => dot.classList.toggle("on", index === slot.at));
    draw(slot, key);
  }
  function turn() {
    for (const slot of slots) {
      if (slot.own.length < 2) continue;
      slot.at = (slot.at + 1) % slot.own.length;
      showSlot(slot);
    }
  }

  // --- Charts ---------------------------------------------------------------------------------------------------
  const AXIS = { color: "#9fc2ff", fontSize: 16 };
  const SPLIT = { lineStyle: { color: "rgba(143, 184, 255, .15)" } };
  const NAME_WIDTH = 120;  // design px for a town's or category's name beside a bar; longer names end in "…"

  function barOption(data, options) {
    const labels = data.labels.slice().reverse();
    const values = data.values.slice().reverse();
    const highlight = data.highlight;
    const colorOf = options.color || (() => "#2f8cff");
    const series = {
      type: "bar", barMaxWidth: 22,
      data: values.map((value, index) => ({
        value,
        itemStyle: { color: colorOf(value, labels[index]), borderColor: labels[index] === highlight ? "#fff" : undefined, borderWidth: labels[index] === highlight ? 2 : 0 },
      })),
      // On the panel's ground colour: the target's dashed line (drawn beneath) passes under a figure.
      label: { show: true, position: "right", color: "#e6f0ff", fontSize: 15, backgroundColor: "#0b1c38", padding: [1, 3], borderRadius: 2, formatter: options.label || ((p) => p.value == null ? "—" : String(p.value)) },
    };
    if (data.target != null) {
      series.markLine = {
        symbol: "none", silent: true, data: [{ xAxis: data.target }], z: 1,  // under the bars and their figures
        lineStyle: { color: "#fadb14", type: "dashed", width: 2 },
        label: { formatter: `${words.target} ${data.target}`, color: "#fadb14", fontSize: 15, position: "end" },
      };
    }
    return {
      animationDuration: 600,
      grid: { top: data.target != null ? 26 : 6, bottom: 6, left: 6, right: options.right || 56, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, textStyle: { fontSize: 16 } },
      xAxis: { type: "value", min: data.min != null ? data.min : 0, max: data.max, axisLabel: AXIS, splitLine: SPLIT },
      yAxis: {
        type: "category", data: labels,
        axisLabel: { ...AXIS, interval: 0, width: NAME_WIDTH, overflow: "truncate", ellipsis: "…",
          formatter: (value) => value === highlight ? `{own|${value}}` : value,
          rich: { own: { color: "#fadb14", fontWeight: "bold", fontSize: 16 } } },
        axisLine: { lineStyle: { color: "#2c5fa8" } }, axisTick: { show: false },
      },
      series: [series],
    };
  }

  const BUILD = {
    ranking: (data) => barOption(data, {
      right: 110,
      color: (value) => data.target == null || value >= data.target ? "#36cfc9" : "#ff7a45",
      label: (p) => {
        const gap = data.target == null ? null : Math.round((data.target - p.value) * 100) / 100;
        return gap == null || gap <= 0 ? String(p.value) : `${p.value}  ${words.gap} ${gap}`;
      },
    }),
    overdue: (data) => barOption(data, { color: () => "#ff4d4f" }),
    categories: (data) => barOption(data, { color: () => "#2f8cff" }),
    surveys: (data) => barOption({ ...data, max: 100, min: data.min != null ? data.min : Math.max(0, Math.floor((Math.min(...data.values.filter((v) => v != null), data.target || 100) - 10) / 10) * 10) }, {
      right: 60,
      color: (value) => data.target == null || value >= data.target ? "#36cfc9" : "#ffb020",
    }),
    trend: (data) => {
      const tone = { top: ["#36cfc9", "#73d13d", "#5cdbd3"], bottom: ["#ff4d4f", "#ff7a45", "#ffa940"], own: ["#fadb14"] };
      const used = { top: 0, bottom: 0, own: 0 };
      return {
        animationDuration: 600,
        grid: { top: 16, bottom: 6, left: 6, right: 96, containLabel: true },
        tooltip: { trigger: "axis", textStyle: { fontSize: 15 }, order: "valueDesc" },
        xAxis: { type: "category", data: data.periods, boundaryGap: false, axisLabel: { ...AXIS, interval: "auto", hideOverlap: true }, axisLine: { lineStyle: { color: "#2c5fa8" } } },
        yAxis: { type: "value", min: data.min, axisLabel: AXIS, splitLine: SPLIT },
        // No legend (16 towns would page it): the top and bottom towns are coloured and named at their line's end,
        // the others are drawn thin and muted.
        series: data.series.map((s) => {
          const mark = s.mark || "";
          const color = mark ? tone[mark][used[mark]++ % tone[mark].length] : "rgba(143, 170, 210, .35)";
          return {
            name: s.name, type: "line", data: s.values, connectNulls: true, z: mark ? 3 : 1,
            symbol: mark ? "circle" : "none", symbolSize: 6,
            lineStyle: { color, width: mark ? 3 : 1.2 }, itemStyle: { color },
            endLabel: { show: Boolean(mark), color, fontSize: 15, width: 88, overflow: "truncate", formatter: "{a}" },
            labelLayout: { moveOverlap: "shiftY" },
            emphasis: { focus: "series" },
          };
        }),
      };
    },
  };

  function emptyNote(slot, show) {
    let note = slot.panel.querySelector(".empty");
    if (show && !note) {
      note = document.createElement("div");
      note.className = "empty";
      note.textContent = words.noData;
      slot.panel.insertBefore(note, slot.body);
    }
    if (note) note.hidden = !show;
    slot.body.hidden = show;
  }

  // A canvas says nothing to a screen reader: each chart is described by its figures in a table, kept off screen.
  function describe(slot, key, data) {
    let table = slot.panel.querySelector("table");
    if (!table) {
      table = slot.panel.appendChild(document.createElement("table"));
      table.className = "visually-hidden";
      table.id = `table-${slot.panel.id}`;
      slot.body.setAttribute("role", "img");
      slot.body.setAttribute("aria-describedby", table.id);
    }
    const trend = key === "trend";
    const columns = trend ? data.periods : data.labels;
    const rows = trend ? data.series.map((s) => [s.name, s.values]) : [[data.title, data.values]];
    const head = document.createElement("thead").appendChild(document.createElement("tr")).parentElement;
    for (const text of ["", ...columns]) head.firstChild.appendChild(document.createElement("th")).textContent = text;
    const body = document.createElement("tbody");
    for (const [name, values] of rows) {
      const row = body.appendChild(document.createElement("tr"));
      row.appendChild(document.createElement("th")).textContent = name;
      for (const value of values) row.appendChild(document.createElement("td")).textContent = value == null ? "—" : String(value);
    }
    table.replaceChildren(head, body);
  }

  function draw(slot, key) {
    const data = last[key];
    if (!data) return;
    slot.title.textContent = data.title || "";
    slot.body.setAttribute("aria-label", data.title || "");
    const empty = Boolean(data.empty) || (key === "trend" ? !(data.series || []).length : !(data.labels || []).length);
    emptyNote(slot, empty);
    if (empty) {
      if (data.empty) slot.panel.querySelector(".empty").textContent = data.empty;
      return;
    }
    describe(slot, key, data);
    let chart = charts[slot.panel.id];
    if (!chart) {
      // Drawn at the stage's design size, sharp on the display's real pixels.
      chart = charts[slot.panel.id] = echarts.init(slot.body, null, { devicePixelRatio: (window.devicePixelRatio || 1) * scale });
      // The slot's size settles after the first data arrives (the figures strip fills in): follow it.
      if (!slot.observer) {
        slot.observer = new ResizeObserver(() => { const c = charts[slot.panel.id]; if (c) c.resize(); });
        slot.observer.observe(slot.body);
      }
    }
    chart.setOption(BUILD[key](data), true);
  }

  // --- Figures, map, ticker -------------------------------------------------------------------------------------
  function drawFigures(data) {
    const box = document.getElementById("panel-figures");
    box.replaceChildren(...data.items.map((item) => {
      const card = document.createElement("div");
      card.className = `figure${item.alert ? " alert" : ""}`;
      card.dataset.figure = item.key;
      const label = document.createElement("div");
      label.className = "label";
      label.textContent = item.label;
      const value = document.createElement("div");
      value.className = "value";
      value.textContent = item.value == null ? "—" : String(item.value);
      if (item.unit && item.value != null) value.appendChild(document.createElement("small")).textContent = item.unit;
      card.append(label, value);
      return card;
    }));
  }

  let map = null, gridLayer = null, pointLayer = null;
  const TOWN_COLORS = ["#2f8cff", "#36cfc9", "#9254de", "#73d13d", "#ffa940", "#f759ab", "#5cdbd3", "#597ef7"];
  function drawMap(data) {
    const panel = document.getElementById("panel-map");
    panel.querySelector(".panel-title").textContent = data.title;
    if (!map) {
      map = cwMap.create(document.getElementById("screen-map"), { zoomControl: false, attributionControl: true });
    }
    if (!gridLayer) {
      const towns = [...new Set(data.features.map((f) => f.properties.town))];
      gridLayer = cwMap.grids(map, data.features, {
        style: (f) => ({ color: TOWN_COLORS[towns.indexOf(f.properties.town) % TOWN_COLORS.length], weight: 1.2, fillOpacity: 0.12 }),
      });
      cwMap.frame(map, [gridLayer]);
    }
    const points = data.points.map((p) => L.circleMarker([p.lat, p.lon], {
      radius: p.supervised ? 7 : 4,
      color: p.supervised ? "#fadb14" : (p.late ? "#ff4d4f" : "#36cfc9"),
      weight: p.supervised ? 3 : 1,
      fillColor: p.late ? "#ff4d4f" : "#36cfc9",
      fillOpacity: 0.85,
      interactive: false,
    }));
    const layer = L.layerGroup(points).addTo(map);
    if (pointLayer) pointLayer.remove();
    pointLayer = layer;
    const element = document.getElementById("screen-map");
    element.dataset.points = String(points.length);
    element.setAttribute("aria-label", data.title);
    // The map's text alternative: its cases as a list, kept off screen.
    document.getElementById("map-list").replaceChildren(...data.points.map((p) => {
      const item = document.createElement("li");
      item.textContent = p.label;
      return item;
    }));
  }

  function drawTicker(data) {
    const track = document.getElementById("ticker-track");
    const items = data.items.map((item) => {
      const span = document.createElement("span");
      span.className = item.kind;
      span.appendChild(document.createElement("b")).className = "time";
      span.firstChild.textContent = item.time;
      const tag = span.appendChild(document.createElement("i"));
      tag.className = "tag";
      tag.textContent = item.kind === "close" ? words.closed : words.reported;
      span.appendChild(document.createTextNode(item.text));
      return span;
    });
    // Twice over, so the strip loops without a gap (the animation moves it by half its length).
    track.replaceChildren(...items, ...items.map((span) => span.cloneNode(true)));
    track.style.setProperty("--ticker-seconds", `${Math.max(30, items.length * 6)}s`);
  }

  // --- Polling --------------------------------------------------------------------------------------------------
  function render(key) {
    const data = last[key];
    if (key === "figures") drawFigures(data);
    else if (key === "map") drawMap(data);
    else if (key === "ticker") drawTicker(data);
    else for (const slot of slots) if (slot.own[slot.at] === key) draw(slot, key);
  }
  function stale(show) {
    const note = document.getElementById("stale");
    note.hidden = !show;
    note.textContent = show ? words.stale : "";
  }
  async function fetchPanel(key) {
    // A hung request must not hold the next poll: give up after half the refresh and keep the last data.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), Math.max(refresh / 2, 5000));
    try {
      // A background poll: it does not keep a session alive (core.middleware.IdleTimeoutMiddleware).
      return await fetch(`${words.url}${key}/`, { credentials: "same-origin", headers: { "X-Background-Poll": "1" }, cache: "no-store", signal: abort.signal });
    } finally {
      clearTimeout(timer);
    }
  }
  async function poll() {
    let failed = false;
    // One panel after another: the first builds the screen's figures (cached on the server), the rest read them;
    // all at once would build them several times over on a cold cache.
    for (const key of keys) {
      try {
        const reply = await fetchPanel(key);
        // Refused (a revoked display link, a screen taken away) or sent to sign in: the screen may no longer
        // show what it shows. Reloading puts up whatever the server now answers for this page.
        if (reply.status === 403 || reply.status === 404 || reply.redirected) {
          window.location.reload();
          return;
        }
        if (!reply.ok) throw new Error(String(reply.status));
        const data = await reply.json();
        last[key] = data;
        asOf = data.as_of || asOf;
        render(key);
      } catch (error) {
        failed = true;  // the panel keeps what it last showed
      }
    }
    stale(failed);
    document.getElementById("as-of").textContent = asOf ? `${words.asOf} ${asOf}` : "";
    stage.dataset.polled = String(Number(stage.dataset.polled || 0) + 1);
  }

  function resize() {
    const before = scale;
    fit();
    if (before === scale) return;
    // ECharts fixes its pixel ratio when it starts: a new scale needs new charts.
    for (const id of Object.keys(charts)) { charts[id].dispose(); delete charts[id]; }
    for (const slot of slots) showSlot(slot);
    if (map) map.invalidateSize();
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-fullscreen]");
    if (!button) return;
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen().catch(() => {});
  });

  fit();
  tick();
  setInterval(tick, 1000);
  makeSlots();
  for (const slot of slots) showSlot(slot);
  poll();
  setInterval(poll, refresh);
  if (slots.some((slot) => slot.own.length > 1)) setInterval(turn, rotate);
  window.addEventListener("resize", resize);
})();
