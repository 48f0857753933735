// Public reports as points: orange open, green closed; a tap opens the report's progress page.
(function () {
  const element = document.getElementById("public-map");
  if (!element || !window.cwMap) return;
  const map = cwMap.create(element, {});
  fetch(element.dataset.area).then((r) => r.json()).then((area) => {
    L.geoJSON(area, { interactive: false, style: { color: "#0d6efd", weight: 1, fillOpacity: 0.03 } }).addTo(map);
    return fetch(element.dataset.source);
  }).then((r) => r.json()).then((data) => {
    L.geoJSON(data, {
      pointToLayer: (feature, latlng) => {
        const color = feature.properties.closed ? "#198754" : "#f0ad4e";
        return L.circleMarker(latlng, { radius: 7, color: color, fillColor: color, fillOpacity: 0.8, weight: 1 });
      },
      onEachFeature: (feature, marker) => {
        const p = feature.properties;
        cwMap.tooltip(marker, () => [`${p.title} · ${p.state}`]);
        marker.on("click", () => { window.location = p.url; });
      },
    }).addTo(map);
  });
})();
