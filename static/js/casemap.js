// Cases as points on a Leaflet map (WGS-84). Red = overdue, orange = open, green = closed; click opens the case.
(function () {
  const element = document.getElementById("case-map");
  if (!element || !window.cwMap) return;
  const map = cwMap.create(element, { preferCanvas: true });
  // The grid cells underneath give the points a place even without map tiles.
  const grids = cwMap.grids(map, cwMap.pageData("case-map-grids"), { lines: (p) => [p.name] });
  cwMap.frame(map, [grids]);
  fetch(element.dataset.source, { credentials: "same-origin" })
    .then((response) => response.json())
    .then((data) => {
      const cases = L.geoJSON(data, {
        pointToLayer: (feature, latlng) => {
          const p = feature.properties;
          const color = p.overdue ? "#b71c1c" : p.state_closed ? "#198754" : "#f0ad4e";
          return L.circleMarker(latlng, { radius: 6, color: color, fillColor: color, fillOpacity: 0.8, weight: 1 });
        },
        onEachFeature: (feature, marker) => {
          const p = feature.properties;
          cwMap.tooltip(marker, () => [`${p.number} ${p.title} · ${p.state}`]);
          marker.on("click", () => { window.location = p.url; });
        },
      }).addTo(map);
      cwMap.frame(map, [grids, cases]);
    });
})();
