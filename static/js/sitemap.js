// Sites as points (WGS-84), coloured by their latest score rate; a click opens the site.
(function () {
  const element = document.getElementById("site-map");
  if (!element || typeof L === "undefined") return;
  const map = L.map(element, cwMapOptions({ preferCanvas: true }));
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution || "", maxZoom: 19 }).addTo(map);
  }
  map.setView([35.5, 117], 11);
  // The grid cells underneath give the points a place even without map tiles.
  const grids = document.getElementById("site-map-grids");
  if (grids) {
    L.geoJSON(JSON.parse(grids.textContent), {
      style: () => ({ color: "#8a8f98", weight: 0.6, fillOpacity: 0.03 }),
      onEachFeature: (feature, polygon) => polygon.bindTooltip(feature.properties.name),
    }).addTo(map);
  }
  function colour(score) {
    if (score === null || score === undefined) return "#8a8f98";
    return score >= 0.9 ? "#198754" : score >= 0.8 ? "#f0ad4e" : "#b71c1c";
  }
  fetch(element.dataset.source, { credentials: "same-origin" })
    .then((response) => response.json())
    .then((data) => {
      const layer = L.geoJSON(data, {
        pointToLayer: (feature, latlng) => {
          const c = colour(feature.properties.score);
          return L.circleMarker(latlng, { radius: 7, color: "#fff", fillColor: c, fillOpacity: 0.9, weight: 1.5 });
        },
        onEachFeature: (feature, marker) => {
          const p = feature.properties;
          const score = p.score === null ? "—" : `${(p.score * 100).toFixed(1)}%`;
          marker.bindTooltip(`${p.name} · ${p.type}<br>${p.town} · ${p.keeper} · ${score}`);
          marker.on("click", () => { window.location = p.url; });
        },
      }).addTo(map);
      if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [16, 16], maxZoom: 16 });
    });
})();
