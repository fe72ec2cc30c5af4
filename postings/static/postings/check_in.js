// Location is read only after the cadre ticks the consent box, and only for this check-in.
(function () {
  var form = document.querySelector("[data-check-in]");
  if (!form || !navigator.geolocation) return;
  var consent = form.querySelector("input[name=consent]");
  consent.addEventListener("change", function () {
    form.latitude.value = "";
    form.longitude.value = "";
    if (!consent.checked) return;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.latitude.value = position.coords.latitude.toFixed(6);
        form.longitude.value = position.coords.longitude.toFixed(6);
      },
      function () {},
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
    );
  });
})();
