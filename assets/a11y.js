/* Keyboard and screen-reader repairs the Dash components do not make themselves.

   1. Dash's dropdown keeps an aria-hidden <input> in the tab order that hands focus on to
      the dropdown's button (itself out of the tab order): a focusable element hidden from
      screen readers (axe: aria-hidden-focus). The button takes the tab stop instead.
   2. The dropdown's button is named by its value alone, in another order than shown
      ("2 selected Indiana, Ohio"): it is named by its visible label (components.labelled
      gives it the id `<control>-label`), then by what it shows, so a voice user can say
      what they see (axe: label-content-name-mismatch).
   3. After in-app navigation, focus moves to the new page's <h1>, so a screen reader
      announces the page and the keyboard starts from its top. The document-title callback
      (dashboard/pages/__init__.py) calls `aiei.pageShown` each time the router draws a page.
*/
(function () {
  "use strict";

  function repairDropdowns(root) {
    root.querySelectorAll(".dash-dropdown-focus-target").forEach(function (proxy) {
      if (proxy.tabIndex !== -1) proxy.tabIndex = -1;
      var button = proxy.nextElementSibling;
      if (!button || button.tagName !== "BUTTON") return;
      if (!button.disabled && button.tabIndex !== 0) button.tabIndex = 0;
      // The clear "×" inside the button is a mouse-only shortcut (no href, no tab stop):
      // its label would be read as part of the button's text.
      button.querySelectorAll(".dash-dropdown-clear:not([aria-hidden])").forEach(function (x) {
        x.setAttribute("aria-hidden", "true");
      });
      var label = button.id && document.getElementById(button.id + "-label");
      var name = label && label.id + " " + button.id;  // the label, then what the button shows
      if (name && button.getAttribute("aria-labelledby") !== name) {
        button.setAttribute("aria-labelledby", name);
      }
    });
  }

  // Dash draws pages after this script runs, and its dropdown puts its input back in the
  // tab order whenever the button loses focus: repair on every such change.
  new MutationObserver(function () { repairDropdowns(document); }).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["tabindex", "aria-labelledby"],
  });

  var shownPath = window.location.pathname;

  function focusHeading(tries) {
    var heading = document.querySelector("#page h1");
    if (!heading) {
      if (tries > 0) window.setTimeout(function () { focusHeading(tries - 1); }, 50);
      return;
    }
    heading.tabIndex = -1;  // focusable from script only, not a tab stop
    heading.focus();
  }

  window.aiei = window.aiei || {};
  // The first page is not moved to (the browser announces a page load itself); a page
  // reached by a link, the map or back/forward is.
  window.aiei.pageShown = function () {
    if (window.location.pathname === shownPath) return;
    shownPath = window.location.pathname;
    window.setTimeout(function () { focusHeading(40); }, 0);
  };
})();
