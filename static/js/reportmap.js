// The report page's map: the county's outline over its own street map; a tap (or the phone's location, or a pick
// in the address search) sets the point, and a tap or the location fills the address from the registry's nearest
// doorplate. WGS-84 throughout.
(function () {
  const element = document.getElementById("report-map");
  if (!element || !window.cwMap) return;
  const lon = document.getElementById("id_lon");
  const lat = document.getElementById("id_lat");
  const status = document.getElementById("location-status");
  const address = document.getElementById("id_address");
  const map = cwMap.create(element, { zoomControl: true });
  let marker = null;
  function place(latlng, fit, lookup) {
    if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng).addTo(map);
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    status.textContent = element.dataset.picked;
    status.classList.remove("text-muted");
    status.classList.add("text-success");
    if (fit) map.setView(latlng, 17);
    if (lookup && address) {
      cwMap.reverse(latlng).then((found) => { if (found.address) address.value = found.address; });
    }
  }
  // The address search (map.js) centres this map and sets the point; the address is the one picked.
  element.cwMap = map;
  element.cwPlace = (latlng) => place(latlng, false, false);
  // A form sent back with errors keeps its point; otherwise the map shows the whole county.
  if (lon.value && lat.value) place(L.latLng(parseFloat(lat.value), parseFloat(lon.value)), true);
  fetch(element.dataset.area)
    .then((response) => response.json())
    .then((data) => {
      L.geoJSON(data, { interactive: false, style: { color: "#0d6efd", weight: 2, fill: false } }).addTo(map);
    });
  map.on("click", (event) => place(event.latlng, false, true));
  // Without a pointer: the arrow keys move the map (Leaflet's), Enter marks the place at its centre.
  element.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target === element) {
      event.preventDefault();
      place(map.getCenter(), false, true);
    }
  });
  const locate = document.getElementById("use-location");
  if (locate) {
    locate.addEventListener("click", () => {
      if (!navigator.geolocation) { status.textContent = element.dataset.nogeo; return; }
      status.textContent = element.dataset.locating;
      navigator.geolocation.getCurrentPosition(
        (position) => place(L.latLng(position.coords.latitude, position.coords.longitude), true, true),
        () => { status.textContent = element.dataset.nogeo; },
        { enableHighAccuracy: true, timeout: 10000 }
      );
    });
  }
})();
