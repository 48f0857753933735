// One setup for every map (window.cwMap): Leaflet over the configured tile server, or a blank canvas when there is
// none, in the tiles' CRS (mapcrs.js), opened on the jurisdiction's extent. The page's settings come from the
// "cw-map" JSON that {% map_scripts %} writes (org/templatetags/maps.py): tiles, attribution, bounds.
// Labels are DOM text nodes, never HTML: names, titles and categories are typed in by people.
(function () {
  const source = document.getElementById("cw-map");
  const config = source ? JSON.parse(source.textContent) : {};
  const GRID_STYLE = { color: "#8a8f98", weight: 0.6, fillOpacity: 0.03 };

  // A Leaflet map on the element, showing the whole jurisdiction (the world before any grid is drawn).
  function create(element, options) {
    const map = L.map(element, cwMapOptions(L.extend({ zoomSnap: 0.25 }, options)));
    if (config.tiles) L.tileLayer(config.tiles, { attribution: config.attribution || "", maxZoom: 19 }).addTo(map);
    if (config.bounds) map.fitBounds(config.bounds, { padding: [8, 8], animate: false });
    else map.fitWorld({ animate: false });
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

  // A tooltip's content: the lines as text, one under the other.
  function label(lines) {
    const box = document.createElement("div");
    lines.forEach((line, index) => {
      if (index) box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(line));
    });
    return box;
  }

  // Binds a tooltip built when it opens from the lines a function gives (thousands of points stay cheap).
  function tooltip(layer, lines) {
    return layer.bindTooltip(() => label(lines()));
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

  window.cwMap = { config, create, frame, label, tooltip, grids, pageData };
})();
