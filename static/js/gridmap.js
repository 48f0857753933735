// Draws grid polygons with Leaflet. Without a configured tile server the map is a blank canvas with the grids.
(function () {
  const element = document.getElementById("grid-map");
  const data = document.getElementById("grid-features");
  if (!element || !data || typeof L === "undefined") return;
  const features = JSON.parse(data.textContent);
  const map = L.map(element, cwMapOptions({ preferCanvas: true }));
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution || "", maxZoom: 19 }).addTo(map);
  }
  const detailUrl = element.dataset.detailUrl;
  const layer = L.geoJSON(features, {
    style: () => ({ color: "#b71c1c", weight: 1, fillOpacity: 0.08 }),
    onEachFeature: (feature, polygon) => {
      const p = feature.properties;
      const label = `${p.code} ${p.name} · ${p.unit}`;
      polygon.bindTooltip(label);
      if (detailUrl) polygon.on("click", () => { window.location = detailUrl.replace("/0/", `/${p.id}/`); });
    },
  }).addTo(map);
  if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
  else map.setView([35, 117], 10);
})();
