/* "Use my current location" on the report-a-problem form: progressive
   enhancement on this page only. Without script, or without the browser's
   geolocation, the button stays hidden and the form works as it is. The
   position is read only when the resident presses the button (and the browser
   asks them); only latitude and longitude are sent, in two hidden fields. */
(function () {
  "use strict";
  var box = document.getElementById("use-location");
  if (!box || !("geolocation" in navigator)) return;
  var button = document.getElementById("use-location-button");
  var status = document.getElementById("use-location-status");
  var lat = document.getElementById("latitude");
  var lon = document.getElementById("longitude");
  box.hidden = false;
  if (lat.value && lon.value) status.textContent = box.getAttribute("data-added");
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        lat.value = position.coords.latitude.toFixed(6);
        lon.value = position.coords.longitude.toFixed(6);
        status.textContent = box.getAttribute("data-added");
        button.disabled = false;
      },
      function () {
        status.textContent = box.getAttribute("data-failed");
        button.disabled = false;
      },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
    );
  });
})();
