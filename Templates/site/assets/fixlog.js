// fixlog site: status filter and search. No network requests; the index is loaded by search-index.js.
(function () {
  "use strict";
  var root = document.body.getAttribute("data-root") || "";

  // Status filter on the index page.
  var filters = document.querySelector(".filters");
  var list = document.getElementById("records");
  if (filters && list) {
    filters.hidden = false;
    var buttons = filters.querySelectorAll("button.filter");
    var empty = document.querySelector(".empty-filter");
    var apply = function (value) {
      var parts = value.split(":");
      var shown = 0;
      var rows = list.querySelectorAll(".record-row");
      for (var i = 0; i < rows.length; i++) {
        var ok = value === "all" || rows[i].getAttribute("data-" + parts[0]) === parts[1];
        rows[i].hidden = !ok;
        if (ok) { shown++; }
      }
      for (var j = 0; j < buttons.length; j++) {
        buttons[j].setAttribute("aria-pressed", buttons[j].getAttribute("data-filter") === value ? "true" : "false");
      }
      if (empty) { empty.hidden = shown > 0; }
    };
    for (var k = 0; k < buttons.length; k++) {
      buttons[k].addEventListener("click", function (event) {
        apply(event.currentTarget.getAttribute("data-filter"));
      });
    }
  }

  // Search over the prebuilt index.
  var data = window.FIXLOG_SEARCH_INDEX;
  var form = document.querySelector("form.search");
  if (!form || !data || !data.records) { return; }
  form.hidden = false;
  var input = document.getElementById("search-input");
  var results = document.getElementById("search-results");
  var records = data.records.map(function (r) {
    return { r: r, hay: (r.number + " " + r.title + " " + (r.date || "") + " " + r.text).toLowerCase() };
  });

  function snippet(text, term) {
    var flat = text.replace(/\s+/g, " ");
    var at = flat.toLowerCase().indexOf(term);
    if (at < 0) { return flat.slice(0, 140); }
    var start = Math.max(0, at - 60);
    return (start > 0 ? "…" : "") + flat.slice(start, start + 160) + (start + 160 < flat.length ? "…" : "");
  }

  function render() {
    var q = input.value.trim().toLowerCase();
    while (results.firstChild) { results.removeChild(results.firstChild); }
    if (!q) { results.hidden = true; return; }
    var terms = q.split(/\s+/);
    var hits = records.filter(function (e) {
      return terms.every(function (t) { return e.hay.indexOf(t) >= 0; });
    });
    hits.sort(function (a, b) {
      var ta = a.r.title.toLowerCase().indexOf(terms[0]) >= 0 ? 0 : 1;
      var tb = b.r.title.toLowerCase().indexOf(terms[0]) >= 0 ? 0 : 1;
      return ta - tb;
    });
    if (hits.length === 0) {
      var none = document.createElement("li");
      none.className = "search-none";
      none.textContent = "No record matches.";
      results.appendChild(none);
    }
    hits.slice(0, 20).forEach(function (e) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + e.r.url;
      var title = document.createElement("strong");
      title.textContent = e.r.number + " " + e.r.title;
      var meta = document.createElement("span");
      meta.className = "search-meta";
      meta.textContent = (e.r.date || "undated") + " · " + e.r.check + " · " + e.r.verify;
      var text = document.createElement("span");
      text.className = "search-snippet";
      text.textContent = snippet(e.r.text, terms[0]);
      a.appendChild(title);
      a.appendChild(meta);
      a.appendChild(text);
      li.appendChild(a);
      results.appendChild(li);
    });
    results.hidden = false;
  }

  input.addEventListener("input", render);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = results.querySelector("a");
    if (first) { window.location.href = first.href; }
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { input.value = ""; render(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "/" && document.activeElement !== input) { event.preventDefault(); input.focus(); }
  });
})();
