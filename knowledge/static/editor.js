/* Live preview for the article editor: the server renders with the website's
   own renderer (Markdown + nh3 sanitiser), so the preview is what residents see.
   No inline scripts (the CSP forbids them); the CSRF token comes from a meta tag. */
(function () {
  "use strict";
  if (window.FrontdoorEditor) { return; }
  window.FrontdoorEditor = { version: 1 };

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function startPreview(source) {
    var target = document.getElementById(source.getAttribute("data-preview"));
    var status = document.getElementById("preview-status");
    if (!target) { return; }
    var timer = null;
    var latest = 0;

    function render() {
      var ticket = ++latest;
      if (status) { status.textContent = "Updating preview…"; }
      fetch("/api/v1/editorial/preview", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
        body: JSON.stringify({ body: source.value })
      }).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      }).then(function (data) {
        if (ticket !== latest) { return; }
        target.innerHTML = data.html; // sanitised server-side by the website renderer
        if (status) { status.textContent = "Preview up to date"; }
      }).catch(function () {
        if (ticket !== latest) { return; }
        if (status) { status.textContent = "The preview could not be updated. Your text is safe; keep writing."; }
      });
    }

    source.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(render, 300);
    });
    render();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var sources = document.querySelectorAll("textarea[data-preview]");
    for (var i = 0; i < sources.length; i++) { startPreview(sources[i]); }
  });
})();
