// Public reports as points: orange open, green closed; a tap opens the report's progress page.
(function () {
  const element = document.getElementById("public-map");
  if (!element || typeof L === "undefined") return;
  const map = L.map(element, cwMapOptions({}));
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution || "", maxZoom: 19 }).addTo(map);
  }
  map.setView([35.5, 117], 10);
  fetch(element.dataset.area).then((r) => r.json()).then((area) => {
    const outline = L.geoJSON(area, { interactive: false, style: { color: "#0d6efd", weight: 1, fillOpacity: 0.03 } }).addTo(map);
    if (outline.getLayers().length) map.fitBounds(outline.getBounds(), { animate: false });
    return fetch(element.dataset.source);
  }).then((r) => r.json()).then((data) => {
    L.geoJSON(data, {
      pointToLayer: (feature, latlng) => {
        const color = feature.properties.closed ? "#198754" : "#f0ad4e";
        return L.circleMarker(latlng, { radius: 7, color: color, fillColor: color, fillOpacity: 0.8, weight: 1 });
      },
      onEachFeature: (feature, marker) => {
        marker.bindTooltip(`${feature.properties.title} · ${feature.properties.state}`);
        marker.on("click", () => { window.location = feature.properties.url; });
      },
    }).addTo(map);
  });
})();
