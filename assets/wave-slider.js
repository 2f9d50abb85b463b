/* The map page's wave slider, for screen readers: its thumb is named by the "Wave" label
   and says the wave it is on ("2026-04, a new release"), not its position ("3"). Dash's
   slider takes neither attribute, so they are set here whenever it changes. */
(function () {
  "use strict";

  var BREAK = "◆";

  function set(element, name, value) {
    if (element.getAttribute(name) !== value) { element.setAttribute(name, value); }
  }

  function label() {
    document.querySelectorAll("#wave-slider [role=slider]").forEach(function (thumb) {
      set(thumb, "aria-labelledby", "wave-slider-label");
      var marks = thumb.closest("#wave-slider").querySelectorAll(".dash-slider-mark");
      var mark = marks[Math.round(Number(thumb.getAttribute("aria-valuenow")))];
      if (mark) {
        var text = mark.textContent.trim();
        var shown = text.indexOf(BREAK) === 0
          ? text.slice(BREAK.length).trim() + ", a new release" : text;
        set(thumb, "aria-valuetext", shown);
      }
    });
  }

  new MutationObserver(label).observe(document.body, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["aria-valuenow"]
  });
})();
