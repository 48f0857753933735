// Cases as points on a Leaflet map (WGS-84). Red = overdue, orange = open, green = closed; click opens the case.
(function () {
  const element = document.getElementById("case-map");
  if (!element || typeof L === "undefined") return;
  const map = L.map(element, cwMapOptions({ preferCanvas: true }));
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution || "", maxZoom: 19 }).addTo(map);
  }
  map.setView([35.5, 117], 11);
  // The grid cells underneath give the points a place even without map tiles.
  const grids = document.getElementById("case-map-grids");
  if (grids) {
    L.geoJSON(JSON.parse(grids.textContent), {
      style: () => ({ color: "#8a8f98", weight: 0.6, fillOpacity: 0.03 }),
      onEachFeature: (feature, polygon) => polygon.bindTooltip(feature.properties.name),
    }).addTo(map);
  }
  fetch(element.dataset.source, { credentials: "same-origin" })
    .then((response) => response.json())
    .then((data) => {
      const layer = L.geoJSON(data, {
        pointToLayer: (feature, latlng) => {
          const p = feature.properties;
          const color = p.overdue ? "#b71c1c" : p.state_closed ? "#198754" : "#f0ad4e";
          return L.circleMarker(latlng, { radius: 6, color: color, fillColor: color, fillOpacity: 0.8, weight: 1 });
        },
        onEachFeature: (feature, marker) => {
          const p = feature.properties;
          marker.bindTooltip(`${p.number} ${p.title} · ${p.state}`);
          marker.on("click", () => { window.location = p.url; });
        },
      }).addTo(map);
      if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [16, 16] });
    });
})();
