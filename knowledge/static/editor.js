/* The article editor in the browser:
   - a live preview: the server renders with the website's own renderer
     (Markdown + nh3 sanitiser), so the preview is what residents see;
   - the web address (slug) made from the title as the editor types, until
     they change the address themselves (knowledge.editor_forms.slugify is the
     server's twin, used when this script did not run);
   - the error summary takes focus when a page shows one (GOV.UK pattern).
   No inline scripts (the CSP forbids them); the CSRF token comes from a meta
   tag; words come from data attributes in the staff member's language. */
(function () {
  "use strict";
  if (window.FrontdoorEditor) { return; }
  window.FrontdoorEditor = { version: 2 };

  var SLUG_MAX = 120;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function slugify(title) {
    var plain = title.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/['\u2019]/g, "");
    var words = plain.match(/[a-z0-9]+/g) || [];
    var slug = "";
    for (var i = 0; i < words.length; i++) {
      var longer = slug ? slug + "-" + words[i] : words[i];
      if (longer.length > SLUG_MAX) { break; }
      slug = longer;
    }
    return slug;
  }
  window.FrontdoorEditor.slugify = slugify;

  function followTitle(slug) {
    var title = document.getElementById(slug.getAttribute("data-slug-from"));
    var echo = document.querySelector("[data-slug-echo]");
    if (!title) { return; }
    var placeholder = echo ? echo.getAttribute("data-slug-placeholder") || "" : "";
    function show() { if (echo) { echo.textContent = slug.value || placeholder; } }
    title.addEventListener("input", function () {
      if (slug.getAttribute("data-slug-edited") === "true") { return; }
      slug.value = slugify(title.value);
      show();
    });
    slug.addEventListener("input", function () {
      // typed by hand: stop following the title (emptied: follow it again)
      slug.setAttribute("data-slug-edited", slug.value ? "true" : "false");
      show();
    });
  }

  function startPreview(source) {
    var target = document.getElementById(source.getAttribute("data-preview"));
    var status = document.getElementById("preview-status");
    var words = {};
    try { words = JSON.parse(source.getAttribute("data-preview-text") || "{}"); } catch (e) { words = {}; }
    function say(key) { if (status && words[key]) { status.textContent = words[key]; } }
    if (!target) { return; }
    var timer = null;
    var latest = 0;

    function render() {
      var ticket = ++latest;
      say("updating");
      fetch("/api/v1/editorial/preview", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
        body: JSON.stringify({ body: source.value })
      }).then(function (response) {
        if (!response.ok) {
          var kind = response.status === 413 ? "too_large" : response.status === 401 ? "signed_out" : "failed";
          throw new Error(kind);
        }
        return response.json();
      }).then(function (data) {
        if (ticket !== latest) { return; }
        target.innerHTML = data.html; // sanitised server-side by the website renderer
        say("done");
      }).catch(function (error) {
        if (ticket !== latest) { return; }
        var kind = error && error.message;
        say(kind === "too_large" || kind === "signed_out" ? kind : "failed");
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
    var slugs = document.querySelectorAll("input[data-slug-from]");
    for (var j = 0; j < slugs.length; j++) { followTitle(slugs[j]); }
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();
