/* The Share panel and the embed's source line follow the address bar.

   Dash writes every view into the URL (history.pushState/replaceState), so the permalink,
   the <iframe> snippet and an embed's "open the full view" link are made here from the
   current address, at the moment they are shown or copied: no server callback. The public
   address comes from <meta name="aiei-public-url"> (AIEI_PUBLIC_URL on the server). */
(function () {
  "use strict";

  var EMBED = "/embed";

  function root() {
    var meta = document.querySelector('meta[name="aiei-public-url"]');
    return (meta && meta.content ? meta.content : location.origin).replace(/\/+$/, "");
  }

  function viewPath() {
    var path = location.pathname;
    if (path === EMBED || path.indexOf(EMBED + "/") === 0) {
      path = path.slice(EMBED.length) || "/";
    }
    return path + location.search;
  }

  function escapeAttribute(text) {
    return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  function fill() {
    var full = root() + viewPath();
    var link = document.getElementById("share-link");
    var embed = document.getElementById("share-embed");
    if (link) { link.value = full; }
    if (embed) {
      embed.value = '<iframe src="' + escapeAttribute(root() + EMBED + viewPath()) +
        '" title="' + escapeAttribute(document.title) +
        '" width="100%" height="640" style="border:0" loading="lazy"></iframe>';
    }
    document.querySelectorAll("a[data-full-view]").forEach(function (a) { a.href = full; });
  }

  function say(text) {
    var status = document.getElementById("share-status");
    if (status) { status.textContent = text; }
  }

  function copy(field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value);
    }
    field.focus();
    field.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy]") : null;
    if (!button) { return; }
    fill();
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    copy(field).then(
      function () { say(button.getAttribute("data-copied") || "Copied."); },
      function () { field.focus(); field.select(); say("Selected: press Ctrl+C (⌘C) to copy."); }
    );
  });
  // toggle does not bubble: listen in the capture phase for the panel opening
  document.addEventListener("toggle", function (event) {
    if (event.target.classList && event.target.classList.contains("share-panel")) { fill(); }
  }, true);
  ["pushState", "replaceState"].forEach(function (name) {
    var original = history[name];
    history[name] = function () {
      var result = original.apply(this, arguments);
      fill();
      return result;
    };
  });
  window.addEventListener("popstate", fill);
})();
