(function () {
  "use strict";
  var q = document.getElementById("q");
  var category = document.getElementById("category");
  var year = document.getElementById("year");
  var count = document.getElementById("count");
  var empty = document.getElementById("empty");
  var papers = Array.prototype.slice.call(document.querySelectorAll("#papers > li.paper"));
  var total = papers.length;

  function matches(li, words, cat, yr) {
    if (yr && li.getAttribute("data-year") !== yr) return false;
    if (cat && (" " + li.getAttribute("data-cats") + " ").indexOf(" " + cat + " ") < 0) return false;
    var text = li.getAttribute("data-text");
    for (var i = 0; i < words.length; i++) {
      if (text.indexOf(words[i]) < 0) return false;
    }
    return true;
  }

  function update() {
    var words = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    papers.forEach(function (li) {
      var ok = matches(li, words, category.value, year.value);
      li.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown + " of " + total + " papers shown";
    empty.hidden = shown !== 0;
  }

  // Read the filters from the URL (?q=&category=&year=) so a filtered view can be shared.
  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) q.value = params.get("q");
  if (params.get("category")) category.value = params.get("category");
  if (params.get("year")) year.value = params.get("year");

  q.addEventListener("input", update);
  category.addEventListener("change", update);
  year.addEventListener("change", update);
  update();

  var output = document.getElementById("copy-output");
  var status = document.getElementById("copy-status");

  function fallbackCopy(text) {
    output.value = text;
    output.select();
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }

  document.getElementById("papers").addEventListener("click", function (event) {
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
