// The leaders' dashboard: fetches panel data, draws ECharts and a map (map.js), refreshes itself.
(function () {
  const root = document.getElementById("panels");
  if (!root) return;
  const charts = {};
  let map = null;
  let pointLayer = null;
  const palette = ["#b71c1c", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#455a64"];

  function card(key, title, cls, body) {
    let col = document.getElementById(`panel-${key}`);
    if (!col) {
      col = document.createElement("div");
      col.id = `panel-${key}`;
      col.className = cls;
      col.innerHTML = `<div class="card h-100"><div class="card-header"></div><div class="card-body">${body}</div></div>`;
      root.appendChild(col);
    }
    col.querySelector(".card-header").textContent = title;
    return col.querySelector(".card-body > div");
  }
  function drawChart(panel) {
    const el = card(panel.key, panel.title, "col-12 col-xl-6", '<div class="panel-chart" data-testid="chart"></div>');
    const chart = charts[panel.key] || (charts[panel.key] = echarts.init(el));
    const option = panel.type === "line"
      ? { tooltip: { trigger: "axis" }, legend: { type: "scroll", top: 0 }, grid: { top: 40, left: 40, right: 10, bottom: 30 },
          xAxis: { type: "category", data: panel.periods }, yAxis: { type: "value" },
          series: panel.series.map((s) => ({ name: s.name, type: "line", data: s.values })) }
      : { tooltip: { trigger: "axis" }, grid: { top: 20, left: 40, right: 10, bottom: 70 },
          xAxis: { type: "category", data: panel.labels, axisLabel: { rotate: 40 } },
          yAxis: { type: "value", max: panel.max },
          series: [{ type: "bar", data: panel.values, itemStyle: { color: panel.color || "#b71c1c" } }] };
    chart.setOption(option, true);
    dataTable(panel, el);
  }
  // Beside each chart, its figures as a table (a screen reader cannot read a canvas; anyone may want the numbers).
  function dataTable(panel, chartElement) {
    const body = chartElement.parentElement;
    let details = body.querySelector("details");
    if (!details) {
      details = document.createElement("details");
      details.className = "mt-2";
      details.append(document.createElement("summary"), document.createElement("div"));
      details.querySelector("summary").textContent = root.dataset.tableLabel;
      details.lastChild.className = "table-responsive";
      body.appendChild(details);
      chartElement.setAttribute("role", "img");
      chartElement.setAttribute("aria-label", panel.title);
      chartElement.setAttribute("aria-describedby", `table-${panel.key}`);
    }
    const line = panel.type === "line";
    const columns = line ? panel.periods : panel.labels;
    const rows = line ? panel.series.map((s) => [s.name, s.values]) : [[panel.title, panel.values]];
    const table = document.createElement("table");
    table.className = "table table-sm mb-0";
    table.id = `table-${panel.key}`;
    table.dataset.testid = "chart-table";
    const head = table.createTHead().insertRow();
    for (const text of ["", ...columns]) head.appendChild(document.createElement("th")).textContent = text;
    const tbody = table.createTBody();
    for (const [name, values] of rows) {
      const row = tbody.insertRow();
      const th = row.appendChild(document.createElement("th"));
      th.scope = "row";
      th.textContent = name;
      for (const value of values) row.insertCell().textContent = value == null ? "—" : String(value);
    }
    details.lastChild.replaceChildren(table);
  }
  function drawMap(panel) {
    const el = card(panel.key, panel.title, "col-12", '<div class="panel-map" data-testid="map"></div>');
    if (!map) {
      map = cwMap.create(el, { preferCanvas: true });
      const towns = [...new Set(panel.features.map((f) => f.properties.town))];
      const grids = cwMap.grids(map, panel.features, {
        style: (f) => ({ color: palette[towns.indexOf(f.properties.town) % palette.length], weight: 1, fillOpacity: 0.12 }),
        lines: (p) => [`${p.code} ${p.town}`],
      });
      cwMap.frame(map, [grids]);
    }
    if (pointLayer) pointLayer.remove();
    pointLayer = L.layerGroup((panel.points || []).map((p) => cwMap.tooltip(
      L.circleMarker([p.lat, p.lon], { radius: 4, color: p.color || "#b71c1c" }), () => [p.label || ""]))).addTo(map);
    pointList(panel, el);
  }
  // The map's text alternative: its points as a list under it.
  function pointList(panel, mapElement) {
    const body = mapElement.parentElement;
    let details = body.querySelector("details");
    if (!details) {
      details = document.createElement("details");
      details.className = "mt-2";
      details.append(document.createElement("summary"), document.createElement("ul"));
      details.querySelector("summary").textContent = root.dataset.tableLabel;
      details.lastChild.id = `list-${panel.key}`;
      body.appendChild(details);
      mapElement.setAttribute("aria-label", panel.title);
      mapElement.setAttribute("aria-describedby", `list-${panel.key}`);
    }
    details.lastChild.replaceChildren(...(panel.points || []).map((p) => {
      const item = document.createElement("li");
      item.textContent = p.label || `${p.lat}, ${p.lon}`;
      return item;
    }));
  }
  async function refresh() {
    // A background poll: it does not keep the session alive (core.middleware.IdleTimeoutMiddleware).
    const reply = await fetch(root.dataset.url, { credentials: "same-origin", headers: { "X-Background-Poll": "1" } });
    if (!reply.ok) return;
    const data = await reply.json();
    for (const panel of data.panels) (panel.type === "map" ? drawMap : drawChart)(panel);
    const updated = document.getElementById("updated");
    updated.textContent = `${updated.dataset.label} ${data.as_of || new Date().toLocaleTimeString()}`;
  }
  refresh();
  setInterval(refresh, Number(root.dataset.refresh || 60) * 1000);
  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
})();
