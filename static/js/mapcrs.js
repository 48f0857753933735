// Maps over tiles drawn in GCJ-02 (高德/腾讯): a Leaflet CRS whose projection shifts WGS-84 into GCJ-02, so the data
// and every click stay in WGS-84 (as stored) while the tiles line up. Chosen by MAP_TILE_CRS (<html data-map-crs>).
// The formulas are those of core/geo.py (a browser test checks both give the same points).
(function () {
  const A = 6378245.0;
  const EE = 0.00669342162296594323;
  const inChina = (lon, lat) => lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
  function tLat(x, y) {
    let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
    r += (160.0 * Math.sin(y / 12.0 * Math.PI) + 320 * Math.sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
    return r;
  }
  function tLon(x, y) {
    let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
    r += (150.0 * Math.sin(x / 12.0 * Math.PI) + 300.0 * Math.sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
    return r;
  }
  function toGcj(lon, lat) {
    if (!inChina(lon, lat)) return [lon, lat];
    let dLat = tLat(lon - 105.0, lat - 35.0);
    let dLon = tLon(lon - 105.0, lat - 35.0);
    const radLat = lat / 180.0 * Math.PI;
    const magic = 1 - EE * Math.sin(radLat) ** 2;
    const sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / ((A * (1 - EE)) / (magic * sqrtMagic) * Math.PI);
    dLon = (dLon * 180.0) / (A / sqrtMagic * Math.cos(radLat) * Math.PI);
    return [lon + dLon, lat + dLat];
  }
  function toWgs(lon, lat) {
    if (!inChina(lon, lat)) return [lon, lat];
    let w = [lon, lat];
    for (let i = 0; i < 10; i++) {
      const g = toGcj(w[0], w[1]);
      w = [w[0] - (g[0] - lon), w[1] - (g[1] - lat)];
    }
    return w;
  }
  window.cwGeo = { toGcj, toWgs };
  window.cwMapOptions = function (options) {
    if (document.documentElement.dataset.mapCrs !== "gcj02" || !window.L) return options;
    const mercator = L.Projection.SphericalMercator;
    const projection = L.extend({}, mercator, {
      project(latlng) {
        const g = toGcj(latlng.lng, latlng.lat);
        return mercator.project(L.latLng(g[1], g[0]));
      },
      unproject(point) {
        const ll = mercator.unproject(point);
        const w = toWgs(ll.lng, ll.lat);
        return L.latLng(w[1], w[0]);
      },
    });
    return L.extend({}, options, { crs: L.extend({}, L.CRS.EPSG3857, { projection }) });
  };
})();
