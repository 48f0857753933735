// Sites as points (WGS-84), coloured by their latest score rate; a click opens the site.
(function () {
  const element = document.getElementById("site-map");
  if (!element || !window.cwMap) return;
  const map = cwMap.create(element, { preferCanvas: true });
  // The grid cells underneath give the points a place even without map tiles.
  const grids = cwMap.grids(map, cwMap.pageData("site-map-grids"), { lines: (p) => [p.name] });
  cwMap.frame(map, [grids]);
  function colour(score) {
    if (score === null || score === undefined) return "#8a8f98";
    return score >= 0.9 ? "#198754" : score >= 0.8 ? "#f0ad4e" : "#b71c1c";
  }
  fetch(element.dataset.source, { credentials: "same-origin" })
    .then((response) => response.json())
    .then((data) => {
      const sites = L.geoJSON(data, {
        pointToLayer: (feature, latlng) => {
          const c = colour(feature.properties.score);
          return L.circleMarker(latlng, { radius: 7, color: "#fff", fillColor: c, fillOpacity: 0.9, weight: 1.5 });
        },
        onEachFeature: (feature, marker) => {
          const p = feature.properties;
          const score = p.score === null ? "—" : `${(p.score * 100).toFixed(1)}%`;
          cwMap.tooltip(marker, () => [`${p.name} · ${p.type}`, `${p.town} · ${p.keeper} · ${score}`]);
          marker.on("click", () => { window.location = p.url; });
        },
      }).addTo(map);
      cwMap.frame(map, [grids, sites]);
    });
})();
