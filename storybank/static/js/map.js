/* Place map: Leaflet (vendored) with OpenStreetMap tiles, loaded only when the
   visitor has a network and the map comes into view. Without it the page
   keeps its coordinates and map links; nothing else depends on this file. */
(function () {
  "use strict";
  var script = document.currentScript;
  var container = document.getElementById("place-map");
  var data = document.getElementById("map-markers");
  if (!script || !container || !data || navigator.onLine === false) return;
  var markers;
  try { markers = JSON.parse(data.textContent); } catch (error) { return; }
  if (!markers || !markers.length) return;

  function addStylesheet(href) {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
  }

  function draw() {
    var L = window.L;
    container.hidden = false;
    var map = L.map(container, { scrollWheelZoom: false });
    L.tileLayer(script.dataset.tiles, { maxZoom: 18, attribution: script.dataset.attribution }).addTo(map);
    var bounds = [];
    markers.forEach(function (item) {
      var marker = L.marker([item.lat, item.lon], { title: item.name, alt: item.name }).addTo(map);
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.name;
      marker.bindPopup(link);
      bounds.push([item.lat, item.lon]);
    });
    if (bounds.length === 1) { map.setView(bounds[0], 12); } else { map.fitBounds(bounds, { padding: [24, 24] }); }
  }

  function load() {
    addStylesheet(script.dataset.leafletCss);
    var leaflet = document.createElement("script");
    leaflet.src = script.dataset.leafletJs;
    leaflet.onload = draw;
    document.head.appendChild(leaflet);
  }

  if (!("IntersectionObserver" in window)) { load(); return; }
  container.hidden = false;  /* a placeholder box to observe; empty until Leaflet draws */
  var observer = new IntersectionObserver(function (entries) {
    if (entries.some(function (entry) { return entry.isIntersecting; })) {
      observer.disconnect();
      load();
    }
  }, { rootMargin: "200px" });
  observer.observe(container);
})();
