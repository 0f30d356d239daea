(function () {
  "use strict";
  // Every paper is in the HTML already, newest year first. This script only hides rows (their
  // `hidden` attribute, changed only where it must change), reorders them for another sort,
  // keeps the state in the URL, follows permalinks and copies BibTeX. What it filters on is
  // read from the rows once, at load: a filter change touches no attribute it need not touch.
  var q = document.getElementById("q");
  var section = document.getElementById("section");
  var year = document.getElementById("year");
  var venue = document.getElementById("venue");
  var sort = document.getElementById("sort");
  var count = document.getElementById("count");
  var empty = document.getElementById("empty");
  var list = document.getElementById("papers");
  var SEARCH_DELAY = 150; // ms of quiet typing before the list is filtered

  var rows = Array.prototype.map.call(list.querySelectorAll("li.paper"), function (li, index) {
    return {
      li: li,
      index: index,
      text: li.getAttribute("data-text"),
      year: li.getAttribute("data-year"),
      venue: li.getAttribute("data-venue"),
      added: li.getAttribute("data-added"),
      cats: " " + li.getAttribute("data-cats") + " ",
      shown: !li.hidden
    };
  });
  var total = rows.length;
  var orders = { year: rows }; // the HTML's own order; the others are worked out when first asked
  var currentSort = "year";

  function titleOf(row) {
    var first = row.li.querySelector(".title").firstChild;
    return first && first.nodeType === 3 ? first.nodeValue.trim() : "";
  }

  function ordered(name) {
    if (orders[name]) return orders[name];
    var copy = rows.slice();
    if (name === "title") {
      var collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });
      var titles = rows.map(titleOf);
      copy.sort(function (a, b) { return collator.compare(titles[a.index], titles[b.index]) || a.index - b.index; });
    } else if (name === "added") { // newest first; papers without a date after all dated ones
      copy.sort(function (a, b) {
        if (a.added !== b.added) {
          if (!a.added) return 1;
          if (!b.added) return -1;
          return a.added < b.added ? 1 : -1;
        }
        return a.index - b.index;
      });
    } else {
      return rows;
    }
    orders[name] = copy;
    return copy;
  }

  function applySort(name) {
    if (!orders[name] && name !== "title" && name !== "added") name = "year";
    if (name === currentSort) return;
    // Moved while the list is out of the layout: rows without boxes are cheaper to move.
    var fragment = document.createDocumentFragment();
    list.style.display = "none";
    ordered(name).forEach(function (row) { fragment.appendChild(row.li); });
    list.appendChild(fragment);
    list.style.display = "";
    currentSort = name;
  }

  function applyFilters() {
    var words = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var cat = section.value ? " " + section.value + " " : "";
    var yr = year.value;
    var ven = venue.value;
    var shown = 0;
    for (var i = 0; i < total; i++) {
      var row = rows[i];
      var ok = (!yr || row.year === yr) && (!ven || row.venue === ven) && (!cat || row.cats.indexOf(cat) >= 0);
      for (var w = 0; ok && w < words.length; w++) ok = row.text.indexOf(words[w]) >= 0;
      if (ok !== row.shown) {
        row.li.hidden = !ok;
        row.shown = ok;
      }
      if (ok) shown++;
    }
    count.textContent = shown + " of " + total + " papers shown";
    empty.hidden = shown !== 0;
  }

  // The state in the URL (?q=&section=&year=&venue=&sort=), defaults left out, so a view can be shared.
  var controls = { q: q, section: section, year: year, venue: venue, sort: sort };
  var DEFAULTS = { q: "", section: "", year: "", venue: "", sort: "year" };

  function writeUrl(hash) {
    var params = new URLSearchParams();
    Object.keys(controls).forEach(function (name) {
      var value = controls[name].value;
      if (value !== DEFAULTS[name]) params.set(name, value);
    });
    var query = params.toString();
    try {
      history.replaceState(history.state, "", window.location.pathname + (query ? "?" + query : "") + (hash || ""));
    } catch (e) { /* some browsers refuse it for file: pages; the page works the same */ }
  }

  function setControl(control, value) {
    control.value = value;
    if (control.tagName === "SELECT" && control.value !== value) control.value = DEFAULTS[control.id];
  }

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    if (!params.has("section") && params.has("category")) params.set("section", params.get("category")); // older links
    Object.keys(controls).forEach(function (name) {
      if (params.has(name)) setControl(controls[name], params.get(name));
    });
  }

  function update() {
    applySort(sort.value);
    applyFilters();
    writeUrl("");
  }

  // A permalink (#key) shows its paper: the filters reset, the row is scrolled to and highlighted.
  var highlighted = null;
  function followHash() {
    var id;
    try { id = decodeURIComponent(window.location.hash.slice(1)); } catch (e) { id = window.location.hash.slice(1); }
    var li = id ? document.getElementById(id) : null;
    if (!li || li.parentNode !== list) return false;
    q.value = section.value = year.value = venue.value = "";
    applySort(sort.value);
    applyFilters();
    writeUrl(window.location.hash);
    if (highlighted) highlighted.classList.remove("highlight");
    highlighted = li;
    li.classList.add("highlight");
    li.setAttribute("tabindex", "-1");
    li.scrollIntoView({ block: "start" });
    li.focus({ preventScroll: true });
    return true;
  }

  var searchTimer = 0;
  q.addEventListener("input", function () {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(update, SEARCH_DELAY);
  });
  [section, year, venue, sort].forEach(function (control) { control.addEventListener("change", update); });
  window.addEventListener("hashchange", followHash);
  readUrl();
  if (!followHash()) {
    applySort(sort.value);
    applyFilters();
  }

  var output = document.getElementById("copy-output");
  var status = document.getElementById("copy-status");

  function fallbackCopy(text) {
    var focused = document.activeElement;
    output.value = text;
    output.select();
    var ok;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    if (focused && focused.focus) focused.focus(); // the keyboard user stays on the button
    return ok;
  }

  list.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy");
    if (!button) return;
    var key = button.getAttribute("data-key");
    var text = document.getElementById("bib-" + key).textContent;
    // Always leave the text where it can be read (and selected by hand when copying is refused).
    output.value = text;
    function done(ok) {
      status.textContent = ok ? "BibTeX of " + key + " copied" : "Copy refused: the BibTeX is selected, press Ctrl+C";
      button.textContent = ok ? "Copied" : "Copy BibTeX";
      window.setTimeout(function () { button.textContent = "Copy BibTeX"; }, 1500);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallbackCopy(text)); });
    } else {
      done(fallbackCopy(text));
    }
  });
})();
