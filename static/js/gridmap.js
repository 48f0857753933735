// Draws grid polygons (all a person sees, or one) and fits the map to them; a click opens a grid.
(function () {
  const element = document.getElementById("grid-map");
  const features = window.cwMap && cwMap.pageData("grid-features");
  if (!element || !features) return;
  const map = cwMap.create(element, { preferCanvas: true });
  const detailUrl = element.dataset.detailUrl;
  const layer = cwMap.grids(map, features, {
    style: () => ({ color: "#b71c1c", weight: 1, fillOpacity: 0.08 }),
    lines: (p) => [`${p.code} ${p.name} · ${p.unit}`],
    click: detailUrl ? (p) => { window.location = detailUrl.replace("/0/", `/${p.id}/`); } : null,
  });
  cwMap.frame(map, [layer]);
})();
