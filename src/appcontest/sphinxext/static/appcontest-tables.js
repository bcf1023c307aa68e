/* Filter a dataset page's rows table as the reader types (appcontest.sphinxext.datasets).
   Without JavaScript the search box stays hidden and the whole table is shown. A row
   matches when it contains every word typed, ignoring case and accents; the count
   ("N of M rows") is a polite live region. No library. */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function setUp(box) {
    var search = box.querySelector(".ac-rows-search");
    var input = search && search.querySelector("input");
    var count = search && search.querySelector(".ac-rows-count");
    if (!input || !count) return;
    var rows = Array.prototype.slice.call(box.querySelectorAll("tbody tr"));
    var texts = rows.map(function (row) { return fold(row.textContent); });
    var timer = null;

    function filter() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row, i) {
        var match = words.every(function (w) { return texts[i].indexOf(w) !== -1; });
        row.hidden = !match;
        if (match) shown += 1;
      });
      // Announced once typing pauses, not at every key.
      clearTimeout(timer);
      timer = setTimeout(function () {
        count.textContent = shown + " of " + rows.length + " rows";
      }, 250);
    }

    input.addEventListener("input", filter);
    // A link to a row (#M002) that the filter hides clears the filter first.
    window.addEventListener("hashchange", function () {
      var id = decodeURIComponent(location.hash.slice(1));
      var target = id && document.getElementById(id);
      if (target && target.hidden && box.contains(target)) {
        input.value = "";
        filter();
        target.scrollIntoView();
      }
    });
    search.hidden = false;
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".ac-rows"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
