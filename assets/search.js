/* The header's search box: one ARIA 1.2 combobox over every state, occupation and area
   inside the states (metros, nonmetropolitan areas).

   Type a name or a code ("nurse", "IN", "ind", "15-1252", "indianapolis"): the list shows the best
   matches. Down and Up move through it, Enter opens the chosen result (the first if none
   is chosen), Escape closes the list and then empties the box. The index of names comes
   from /search-index.json on first focus; matching happens here, so typing sends nothing.

   Dash renders the empty container (#site-search); this script builds the box inside it,
   so React never owns the input it changes. */
(function () {
  "use strict";

  var MAX_RESULTS = 8;
  var KIND = { state: "State", occupation: "Occupation", area: "Area" };
  var entries = null;
  var loading = null;

  function words(text) {
    return text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  }

  function load() {
    if (!loading) {
      loading = fetch("/search-index.json", { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (found) {
          entries = found.map(function (entry) {
            return Object.assign({}, entry, {
              name: entry.label.toLowerCase(),
              code_: entry.code.toLowerCase(),
              words: words(entry.label),
            });
          });
          return entries;
        })
        .catch(function () { loading = null; return []; });
    }
    return loading;
  }

  /* 0: the code or the whole name; 1: every word typed begins a word of the name, or
     the code begins with what is typed; 2: the name contains it; -1: no match. */
  function quality(entry, query, typed) {
    if (entry.code_ === query || entry.name === query) return 0;
    if (
      entry.code_.indexOf(query) === 0 ||
      typed.every(function (t) {
        return entry.words.some(function (w) { return w.indexOf(t) === 0; });
      })
    ) return 1;
    return entry.name.indexOf(query) >= 0 ? 2 : -1;
  }

  /* Best match first; among equal matches states first, then the occupations and areas
     with the most jobs. */
  function search(text) {
    var query = text.trim().toLowerCase().replace(/\s+/g, " ");
    if (!query || !entries) return [];
    var typed = words(query);
    var found = [];
    entries.forEach(function (entry) {
      var q = quality(entry, query, typed);
      if (q >= 0) found.push([q, entry]);
    });
    found.sort(function (a, b) {
      return a[0] - b[0] ||
        (a[1].kind === "state" ? 0 : 1) - (b[1].kind === "state" ? 0 : 1) ||
        b[1].size - a[1].size ||
        a[1].label.localeCompare(b[1].label);
    });
    return found.slice(0, MAX_RESULTS).map(function (pair) { return pair[1]; });
  }

  function build(container) {
    var label = document.createElement("label");
    label.htmlFor = "site-search-input";
    label.className = "visually-hidden";
    label.textContent = "Search states and occupations";
    var input = document.createElement("input");
    input.id = "site-search-input";
    input.type = "text";
    input.placeholder = "Search a state, occupation or metro";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", "site-search-list");
    var list = document.createElement("ul");
    list.id = "site-search-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "States and occupations");
    list.hidden = true;
    var status = document.createElement("div");
    status.id = "site-search-status";
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    container.append(label, input, list, status);

    var results = [];
    var active = -1;

    function show(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (option, i) {
        option.setAttribute("aria-selected", String(i === active));
      });
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", list.children[active].id);
        list.children[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      show(-1);
    }

    function render() {
      results = search(input.value);
      list.replaceChildren.apply(
        list,
        results.map(function (entry, i) {
          var option = document.createElement("li");
          option.id = "site-search-option-" + i;
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", "false");
          option.className = "search-option";
          var name = document.createElement("span");
          name.className = "search-name";
          name.textContent = entry.label;
          var kind = document.createElement("span");
          kind.className = "search-kind";
          kind.textContent = KIND[entry.kind] + " · " + entry.code;
          option.append(name, kind);
          option.addEventListener("mousedown", function (event) { event.preventDefault(); });
          option.addEventListener("click", function () { open(entry); });
          return option;
        })
      );
      var typed = input.value.trim() !== "";
      list.hidden = !typed;
      input.setAttribute("aria-expanded", String(typed));
      if (typed && !results.length) {
        var none = document.createElement("li");
        none.className = "search-none";
        none.textContent = entries ? "No state, occupation or area matches." : "Loading…";
        list.append(none);
      }
      status.textContent = typed
        ? (results.length ? results.length + " results" : "No results")
        : "";
      show(-1);
    }

    /* Go there as a Dash link does: the router draws the page, no reload. */
    function open(entry) {
      close();
      input.value = "";
      window.history.pushState({}, "", entry.href);
      window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
      window.scrollTo(0, 0);
      var page = document.getElementById("page");
      if (page) page.focus({ preventScroll: true });
    }

    input.addEventListener("focus", function () { load().then(render); });
    input.addEventListener("input", function () { load().then(render); });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (event) {
      var count = results.length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!count) return;
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        var step = event.key === "ArrowDown" ? 1 : -1;
        show(active < 0 && step < 0 ? count - 1 : (active + step + count) % count);
      } else if (event.key === "Enter") {
        if (!count) return;
        event.preventDefault();
        open(results[active >= 0 ? active : 0]);
      } else if (event.key === "Escape") {
        event.preventDefault();
        if (!list.hidden) {
          close();
        } else {
          input.value = "";
          render();
        }
      }
    });
  }

  /* The container appears when Dash first renders the layout. */
  function start() {
    var container = document.getElementById("site-search");
    if (container && !container.firstChild) {
      build(container);
      return true;
    }
    return Boolean(container);
  }
  if (!start()) {
    var watcher = new MutationObserver(function () {
      if (start()) watcher.disconnect();
    });
    watcher.observe(document.documentElement, { childList: true, subtree: true });
  }
})();
