/* The server's first view of a page (dashboard/first_view.py) stays on screen until the
   app's own page has content (assets/app.css swaps them); then it is removed, so the
   document holds one heading and one main landmark. */
(function () {
  "use strict";

  function done() {
    var page = document.querySelector("main#page");
    return page !== null && page.childElementCount > 0;
  }

  var first = document.getElementById("first-view");
  if (!first) { return; }
  var observer = new MutationObserver(function () {
    if (done()) {
      observer.disconnect();
      first.remove();
    }
  });
  observer.observe(document.body, { childList: true, subtree: true });
})();
