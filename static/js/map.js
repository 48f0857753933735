// One setup for every map (window.cwMap): Leaflet over the county's own base map (drawn from the address registry
// and the grids: no internet needed) or a configured tile preset, in the tiles' CRS (mapcrs.js), opened on the
// jurisdiction's extent. The page's settings come from the "cw-map" JSON that {% map_scripts %} writes
// (org/templatetags/maps.py). Maps a template asks for with {% point_map %} are drawn here, on their own.
// Every name shown (roads, places, sites, cases, units) was typed in by people or imported from Excel: labels,
// tooltips, popups and search results are built as DOM text nodes, never as HTML.
(function () {
  const source = document.getElementById("cw-map");
  const config = source ? JSON.parse(source.textContent) : {};
  const words = config.words || {};
  const GRID_STYLE = { color: "#8a8f98", weight: 0.6, fillOpacity: 0.03 };

  // --- Text, never HTML --------------------------------------------------------------------------

  // A label's content: the lines as text, one under the other.
  function label(lines) {
    const box = document.createElement("div");
    lines.forEach((line, index) => {
      if (index) box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(line == null ? "" : String(line)));
    });
    return box;
  }

  // Binds a tooltip built when it opens from the lines a function gives (thousands of points stay cheap).
  function tooltip(layer, lines, options) {
    return layer.bindTooltip(() => label(lines()), options);
  }

  // Binds a popup of text lines, with an optional link (its text is text too).
  function popup(layer, lines, link) {
    return layer.bindPopup(() => {
      const box = label(lines());
      if (link) {
        const anchor = document.createElement("a");
        anchor.href = link.url;
        anchor.textContent = link.text;
        box.appendChild(document.createElement("br"));
        box.appendChild(anchor);
      }
      return box;
    });
  }

  // --- The county's own base map -------------------------------------------------------------------

  const ROAD = {
    highway: { casing: "#d9a441", fill: "#fcd68a", width: 5 },
    main: { casing: "#c9c3b8", fill: "#ffffff", width: 6 },
    secondary: { casing: "#cfc9bf", fill: "#ffffff", width: 4.5 },
    branch: { casing: "#d6d0c6", fill: "#ffffff", width: 3 },
    lane: { casing: "#ddd8cf", fill: "#ffffff", width: 2 },
  };
  const PLACE = {
    compound: "#e9e2d6", building: "#d9d0c9", market: "#f1dfc7", school: "#f2e7c4", hospital: "#f3d9d9",
    park: "#cdebc0", square: "#e8e4de", government: "#e2dcec", station: "#dde3ea", other: "#e6e1da",
  };
  const WIDTH_AT = (zoom, width) => Math.max(1, width * Math.min(1.6, Math.max(0.35, (zoom - 10) / 6)));

  function styleOf(zoom) {
    return (feature) => {
      const p = feature.properties;
      if (p.layer === "town") return { color: "#9b8fb0", weight: 1.5, dashArray: "6 4", fill: false };
      if (p.layer === "grid") return { color: "#cfc8d8", weight: 0.6, fill: false };
      if (p.layer === "water") return { color: "#9fc6e0", weight: 1, fillColor: "#aad3df", fillOpacity: 1 };
      if (p.layer === "place") return { color: "#d4ccc0", weight: 0.8, fillColor: PLACE[p.kind] || PLACE.other, fillOpacity: 1 };
      const road = ROAD[p.kind] || ROAD.branch;
      return { color: p.casing ? road.casing : road.fill, weight: WIDTH_AT(zoom, road.width) + (p.casing ? 2 : 0), lineCap: "round", lineJoin: "round" };
    };
  }

  // Where a road's name is written: the middle of the part of the line in view (its whole middle otherwise).
  function labelPoint(coords, view) {
    const lines = Array.isArray(coords[0][0]) ? coords : [coords];
    const inside = [];
    for (const line of lines) {
      for (let i = 1; i < line.length; i++) {
        for (let step = 0; step < 16; step++) {
          const t = step / 16;
          const at = L.latLng(line[i - 1][1] + (line[i][1] - line[i - 1][1]) * t, line[i - 1][0] + (line[i][0] - line[i - 1][0]) * t);
          if (view.contains(at)) inside.push(at);
        }
      }
    }
    if (inside.length) return inside[Math.floor(inside.length / 2)];
    const line = lines.reduce((a, b) => (b.length > a.length ? b : a));
    const middle = line[Math.floor(line.length / 2)];
    return L.latLng(middle[1], middle[0]);
  }

  // A label on the map, as text: road names along the road's middle, place names at their middle.
  function mapText(latlng, text, kind) {
    return L.marker(latlng, {
      interactive: false,
      keyboard: false,
      pane: "cwLabels",
      icon: L.divIcon({ className: `cw-map-text cw-map-text-${kind}`, html: label([text]), iconSize: null }),
    });
  }

  function baseLayer(map) {
    map.createPane("cwBase").style.zIndex = 250;
    map.createPane("cwLabels").style.zIndex = 450;
    map.getPane("cwLabels").style.pointerEvents = "none";
    map.getContainer().classList.add("cw-basemap");
    const renderer = L.canvas({ pane: "cwBase", padding: 0.3 });
    const group = L.layerGroup().addTo(map);
    let request = null;
    let timer = null;
    function draw(data, zoom) {
      group.clearLayers();
      const features = data.features || [];
      const order = ["town", "water", "place", "grid"];
      const areas = features.filter((f) => order.includes(f.properties.layer));
      areas.sort((a, b) => order.indexOf(a.properties.layer) - order.indexOf(b.properties.layer));
      const roads = features.filter((f) => f.properties.layer === "road");
      const ranked = ["lane", "branch", "secondary", "main", "highway"];
      roads.sort((a, b) => ranked.indexOf(a.properties.kind) - ranked.indexOf(b.properties.kind));
      const casings = roads.map((f) => ({ ...f, properties: { ...f.properties, casing: true } }));
      const style = styleOf(zoom);
      const options = { renderer, interactive: false, style, pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 3, renderer }) };
      group.addLayer(L.geoJSON({ type: "FeatureCollection", features: areas.concat(casings, roads) }, options));
      const seen = new Set();
      for (const f of features) {
        const p = f.properties;
        if (!p.label || !p.name || seen.has(p.layer + p.name)) continue;
        seen.add(p.layer + p.name);
        const view = map.getBounds().pad(-0.1);
        const at = p.layer === "road" ? labelPoint(f.geometry.coordinates, view) : L.geoJSON(f).getBounds().getCenter();
        group.addLayer(mapText(at, p.name, p.layer));
      }
    }
    function refresh() {
      const bounds = map.getBounds().pad(0.25);
      const zoom = Math.round(map.getZoom());
      const box = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].map((v) => v.toFixed(4));
      if (request) request.abort();
      request = new AbortController();
      fetch(`${config.basemap}?bbox=${box.join(",")}&z=${zoom}`, { signal: request.signal })
        .then((response) => response.json())
        .then((data) => draw(data, zoom))
        .catch(() => {});
    }
    map.on("moveend zoomend", () => { clearTimeout(timer); timer = setTimeout(refresh, 120); });
    map.whenReady(refresh);
    return group;
  }

  // --- Making a map ------------------------------------------------------------------------------

  // A Leaflet map on the element, showing the whole jurisdiction (the world before any grid is drawn).
  function create(element, options) {
    const settings = options || {};
    const map = L.map(element, cwMapOptions(L.extend({ zoomSnap: 0.25, maxZoom: 19 }, settings)));
    for (const layer of config.layers || []) {
      L.tileLayer(layer.url, { attribution: layer.attribution || "", subdomains: layer.subdomains || "abc", maxZoom: 19 }).addTo(map);
    }
    if (config.bounds) map.fitBounds(config.bounds, { padding: [8, 8], animate: false });
    else map.fitWorld({ animate: false });
    if (config.basemap && settings.basemap !== false) baseLayer(map);
    if (settings.search) searchControl(map, settings.search === true ? {} : settings.search);
    return map;
  }

  // Fits the map to what the layers hold together (a person's grids, the points shown); empty layers count for
  // nothing, and with all of them empty the map keeps the jurisdiction.
  function frame(map, layers, options) {
    let bounds = null;
    for (const layer of layers) {
      if (!layer || !layer.getLayers().length) continue;
      bounds = bounds ? bounds.extend(layer.getBounds()) : layer.getBounds(); // a new box on every call
    }
    if (bounds) map.fitBounds(bounds, L.extend({ padding: [8, 8], maxZoom: 16, animate: false }, options));
  }

  // Grid polygons (a GeoJSON FeatureCollection) with an optional style, tooltip lines and click per feature.
  function grids(map, features, options) {
    const settings = options || {};
    return L.geoJSON(features, {
      style: settings.style || (() => GRID_STYLE),
      interactive: Boolean(settings.lines || settings.click),
      onEachFeature: (feature, polygon) => {
        if (settings.lines) tooltip(polygon, () => settings.lines(feature.properties));
        if (settings.click) polygon.on("click", () => settings.click(feature.properties));
      },
    }).addTo(map);
  }

  // The JSON a page wrote with json_script, or null when the page has none.
  function pageData(id) {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  // --- Addresses: search and reverse lookup (our own API, from the registry) -------------------------

  // Shows a search result on the map: a road or an area by its box, a doorplate close up.
  function show(map, hit) {
    if (hit.bounds) map.fitBounds([[hit.bounds[1], hit.bounds[0]], [hit.bounds[3], hit.bounds[2]]], { maxZoom: 17, padding: [16, 16] });
    else map.setView([hit.lat, hit.lon], 17);
  }

  // A type-ahead on an input: the registry's hits listed under it as buttons of text; `pick(hit)` on a choice.
  function attachSearch(input, pick) {
    const list = document.createElement("div");
    list.className = "list-group cw-address-hits shadow-sm";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("autocomplete", "off");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-expanded", "false");
    let timer = null;
    let request = null;
    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); }
    function render(hits) {
      list.replaceChildren();
      if (!hits.length) {
        const none = document.createElement("div");
        none.className = "list-group-item small text-muted";
        none.textContent = words.nothing || "";
        list.appendChild(none);
      }
      for (const hit of hits) {
        const item = document.createElement("button");
        item.type = "button";
        item.className = "list-group-item list-group-item-action py-1";
        item.setAttribute("role", "option");
        item.dataset.kind = hit.kind;
        const name = document.createElement("span");
        name.textContent = hit.label;
        const detail = document.createElement("small");
        detail.className = "text-muted ms-2";
        detail.textContent = hit.detail;
        item.append(name, detail);
        item.addEventListener("mousedown", (event) => event.preventDefault());
        item.addEventListener("click", () => { close(); pick(hit); });
        list.appendChild(item);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const text = input.value.trim();
      if (!text) { close(); return; }
      timer = setTimeout(() => {
        if (request) request.abort();
        request = new AbortController();
        fetch(`${config.search}?q=${encodeURIComponent(text)}`, { signal: request.signal })
          .then((response) => response.json())
          .then((data) => render(data.results || []))
          .catch(() => {});
      }, 150);
    });
    input.addEventListener("keydown", (event) => { if (event.key === "Escape") close(); });
    input.addEventListener("blur", () => setTimeout(close, 150));
  }

  // The search box drawn on a map (top left); a pick centres the map and tells `options.pick`.
  function searchControl(map, options) {
    const Control = L.Control.extend({
      onAdd() {
        const box = L.DomUtil.create("div", "cw-map-search leaflet-bar");
        // A label one can see (not only an aria-label), as on every other field.
        const label = L.DomUtil.create("label", "cw-map-search-label", box);
        const input = L.DomUtil.create("input", "form-control form-control-sm", box);
        input.id = `${map.getContainer().id || "map"}-search`;
        label.htmlFor = input.id;
        label.textContent = words.find || "";
        input.type = "search";
        input.placeholder = words.search || "";
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        attachSearch(input, (hit) => {
          input.value = hit.label;
          show(map, hit);
          if (options.pick) options.pick(hit);
        });
        return box;
      },
    });
    return new Control({ position: "topleft" }).addTo(map);
  }

  // The address nearest a point, from the registry ("人民路18号附近，城关街道 新华社区第3网格").
  function reverse(latlng) {
    return fetch(`${config.reverse}?lon=${latlng.lng.toFixed(6)}&lat=${latlng.lat.toFixed(6)}`)
      .then((response) => response.json());
  }

  // --- {% point_map %}: a map of a few points, a picker, a search -----------------------------------

  const POINT = {
    here: { color: "#0d6efd", radius: 9 },
    site: { color: "#198754", radius: 8 },
    case: { color: "#dc3545", radius: 6 },
    place: { color: "#6f42c1", radius: 7 },
    me: { color: "#0dcaf0", radius: 7 },
  };

  function pointMarker(point) {
    const look = POINT[point.kind] || POINT.case;
    const marker = L.circleMarker([point.lat, point.lon], {
      radius: look.radius, color: "#fff", weight: 2, fillColor: look.color, fillOpacity: 0.95,
    });
    if (point.label) {
      if (point.url) popup(marker, () => [point.label].concat(point.lines || []), { url: point.url, text: point.link || point.label });
      else tooltip(marker, () => [point.label].concat(point.lines || []));
    }
    return marker;
  }

  // Orders a list beside a map (data-cw-nearest="<map id>", items with data-lon/data-lat) nearest first and writes
  // each distance into its [data-distance].
  function nearestFirst(mapId, here) {
    document.querySelectorAll(`[data-cw-nearest="${mapId}"]`).forEach((list) => {
      const items = Array.from(list.children).map((item) => {
        const metres = here.distanceTo(L.latLng(parseFloat(item.dataset.lat), parseFloat(item.dataset.lon)));
        const shown = item.querySelector("[data-distance]");
        if (shown) shown.textContent = metres < 1000 ? `${Math.round(metres)} m` : `${(metres / 1000).toFixed(1)} km`;
        return [metres, item];
      });
      items.sort((a, b) => a[0] - b[0]).forEach((pair) => list.appendChild(pair[1]));
    });
  }

  function pointMap(element) {
    const data = pageData(`${element.id}-data`) || { points: [] };
    const fields = data.pick ? data.pick.map((id) => document.getElementById(id)) : null;
    const address = data.address ? document.getElementById(data.address) : null;
    let marker = null;
    function place(latlng, fill) {
      if (marker) marker.setLatLng(latlng);
      else marker = L.marker(latlng, { keyboard: false }).addTo(map);
      if (fields && fields[0] && fields[1]) {
        fields[0].value = latlng.lng.toFixed(6);
        fields[1].value = latlng.lat.toFixed(6);
        fields[0].dispatchEvent(new Event("change", { bubbles: true }));
      }
      if (fill && address) {
        reverse(latlng).then((found) => {
          if (found.address) address.value = found.address;
          address.dispatchEvent(new Event("change", { bubbles: true }));
        });
      }
    }
    const map = create(element, {
      search: data.search ? { pick: (hit) => { if (fields) place(L.latLng(hit.lat, hit.lon), false); if (address) address.value = hit.label; } } : false,
    });
    const points = L.featureGroup((data.points || []).map(pointMarker)).addTo(map);
    if (points.getLayers().length === 1) map.setView(points.getLayers()[0].getLatLng(), 17, { animate: false });
    else frame(map, [points], { maxZoom: 17 });
    if (fields && fields[0] && fields[0].value && fields[1].value) {
      const at = L.latLng(parseFloat(fields[1].value), parseFloat(fields[0].value));
      place(at, false);
      map.setView(at, 17, { animate: false });
    }
    if (fields) map.on("click", (event) => place(event.latlng, true));
    if (data.locate && navigator.geolocation) {
      navigator.geolocation.getCurrentPosition((position) => {
        const me = { lat: position.coords.latitude, lon: position.coords.longitude, kind: "me", label: words.you };
        points.addLayer(pointMarker(me));
        frame(map, [points], { maxZoom: 17 });
        nearestFirst(element.id, L.latLng(me.lat, me.lon));
      }, () => {}, { timeout: 8000, maximumAge: 60000 });
    }
    element.cwMap = map;
    element.cwPlace = place;
    return map;
  }

  window.cwMap = {
    config, create, frame, label, tooltip, popup, grids, pageData, show, attachSearch, reverse, pointMarker, nearestFirst,
  };
  document.querySelectorAll("[data-cw-map]").forEach(pointMap);
  document.querySelectorAll("[data-cw-address-search]").forEach((input) => {
    // A form's address search outside any map: a pick fills the address, and the form's map when it has one.
    const target = document.getElementById(input.dataset.cwAddressSearch);
    attachSearch(input, (hit) => {
      input.value = hit.label;
      if (target) target.value = hit.label;
      const mapElement = input.dataset.cwMapElement && document.getElementById(input.dataset.cwMapElement);
      if (mapElement && mapElement.cwMap) {
        show(mapElement.cwMap, hit);
        if (mapElement.cwPlace) mapElement.cwPlace(L.latLng(hit.lat, hit.lon), false);
      }
      input.dispatchEvent(new CustomEvent("cw:address", { detail: hit, bubbles: true }));
    });
  });
})();
