// The book's charts in the browser (see appcontest.figures and appcontest.sphinxext.vega).
//
// Each chart arrives as a placeholder: its title, a static SVG (what first paints, and
// what stays if anything here fails), a data table and a link to its CSV, with the URL of
// its Vega-Lite spec in data-spec. This script, loaded deferred on pages with charts:
//
// - adds "Chart" and "Table" tabs at once (the table needs no Vega);
// - loads the vendored Vega, Vega-Lite and Vega-Embed (about 280 KB compressed) only when a
//   chart comes near the viewport, once per page, then draws each chart as it approaches;
// - sizes a chart to its column (sizeSpec, as appcontest.figures.sized does for the static
//   image) and draws it again, debounced, when the column's width changes;
// - shows a mark's details in a panel under the chart on tap, click or the arrow keys
//   (the hover tooltip, for a mouse, wraps inside the chart);
// - keeps the table, the empty-filter message and the CSV download to the rows the
//   reader's filters leave (a long table is filled from its CSV file when it is first
//   opened or downloaded), and the filters in the page's URL (#name?key=value), from
//   which a shared link reopens the same view.
(function () {
  "use strict";

  var script = document.currentScript;
  var BASE = script ? script.src.replace(/appcontest-charts\.js(?:[?#].*)?$/, "") : "";
  var VENDOR = ["vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-embed.min.js"];
  var CONCAT = ["vconcat", "hconcat", "concat"];
  var PADDING = 5; // Vega-Lite's default padding, as in appcontest.figures.PADDING
  var ROW_FIELD = "ac_row"; // appcontest.figures.ROW_FIELD
  var NEAR = "600px 0px"; // start loading this far before a chart scrolls into view
  var URL_PATTERN = /https?:\/\/[^\s|<>"]+[^\s|<>".,;:)\]]/g;
  var states = new Map();
  var runtime = null;

  // ---- loading ---------------------------------------------------------------------

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = src;
      tag.async = false;
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(tag);
    });
  }

  function loadRuntime() {
    if (!runtime) {
      runtime = VENDOR.reduce(function (done, src) {
        return done.then(function () { return loadScript(BASE + src); });
      }, Promise.resolve());
    }
    return runtime;
  }

  // Vega measures text when it lays a chart out. Wait (briefly) for the chart's font, so
  // labels are measured in the glyphs they are drawn in, as in the static image.
  function fontReady(spec) {
    var family = spec && spec.config && spec.config.font;
    if (!family || !document.fonts || typeof document.fonts.load !== "function") return Promise.resolve();
    var loads = Promise.all([document.fonts.load("400 12px " + family), document.fonts.load("700 12px " + family)]);
    var timeout = new Promise(function (resolve) { setTimeout(resolve, 3000); });
    return Promise.race([loads, timeout]).catch(function () {});
  }

  // ---- small helpers -----------------------------------------------------------------

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text != null) node.textContent = text;
    return node;
  }

  // A link shows its site's name, not its whole address (appcontest.figures.link_text).
  function linkText(url) {
    return url.replace(/^https?:\/\//, "").split("/")[0].split("?")[0].replace(/^www\./, "");
  }

  // Text with its web addresses as links, built from text nodes (never parsed as HTML).
  function linked(text) {
    text = String(text);
    var fragment = document.createDocumentFragment();
    var last = 0;
    text.replace(URL_PATTERN, function (url, offset) {
      fragment.appendChild(document.createTextNode(text.slice(last, offset)));
      var link = el("a", { href: url }, linkText(url));
      fragment.appendChild(link);
      last = offset + url.length;
      return url;
    });
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  // A cell's text as the CSV holds it: each link's whole address where its site's name shows.
  function cellText(td) {
    var copy = td.cloneNode(true);
    copy.querySelectorAll("a[href]").forEach(function (a) {
      a.replaceWith(document.createTextNode(a.getAttribute("href")));
    });
    return copy.textContent;
  }

  function slug(text) {
    return String(text).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  function csvField(text) {
    return '"' + String(text).replace(/"/g, '""') + '"';
  }

  // Rows of a CSV file as the extension writes it: "#" notes first, every field quoted.
  function parseCsv(text) {
    var rows = [];
    var row = [];
    var field = "";
    var quoted = false;
    var i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    var atLineStart = true;
    for (; i < text.length; i += 1) {
      var c = text[i];
      if (atLineStart && !quoted && c === "#") {
        var end = text.indexOf("\n", i);
        i = end < 0 ? text.length : end;
        continue;
      }
      atLineStart = false;
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') { field += '"'; i += 1; }
        else if (c === '"') quoted = false;
        else field += c;
      } else if (c === '"') quoted = true;
      else if (c === ",") { row.push(field); field = ""; }
      else if (c === "\n" || c === "\r") {
        if (c === "\r" && text[i + 1] === "\n") i += 1;
        row.push(field); rows.push(row); row = []; field = ""; atLineStart = true;
      } else field += c;
    }
    if (field || row.length) { row.push(field); rows.push(row); }
    return rows;
  }

  // A table too long to inline (data-rows="csv") is filled from the chart's CSV file.
  function ensureRows(st) {
    var table = st.table;
    if (!table || table.dataset.rows !== "csv") return Promise.resolve();
    if (st.rowsLoading) return st.rowsLoading;
    var url = st.download && st.download.getAttribute("href");
    if (!url) return Promise.resolve();
    st.rowsLoading = fetch(url)
      .then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + url);
        return response.text();
      })
      .then(function (text) {
        var rows = parseCsv(text).slice(1);
        var body = table.tBodies[0];
        rows.forEach(function (cells, index) {
          var tr = el("tr", { "data-row": String(index) });
          cells.forEach(function (cell) {
            var td = el("td");
            td.appendChild(linked(cell));
            tr.appendChild(td);
          });
          body.appendChild(tr);
        });
        table.dataset.rows = "loaded";
        var note = st.container.querySelector(".ac-chart-table-note");
        if (note) note.remove();
        if (st.vega) update(st);
      })
      .catch(function (error) {
        st.rowsLoading = null;
        console.error("table of " + st.name + " could not be filled:", error);
      });
    return st.rowsLoading;
  }

  // The spec for a chart `width` pixels wide overall (appcontest.figures.sized).
  function sizeSpec(spec, width) {
    var out = Object.assign({}, spec);
    var panels = ((out.usermeta || {}).appcontest || {}).panels || {};
    var key = CONCAT.filter(function (k) { return k in out; })[0];
    if (key) {
      out[key] = out[key].map(function (panel) {
        var p = Object.assign({}, panel);
        var hints = panels[p.name] || {};
        if (p.width === "container") p.width = Math.min(width - 2 * PADDING - (hints.inset || 0), hints.maxWidth || width);
        if (hints.aspect && typeof p.width === "number") p.height = Math.round(p.width * hints.aspect);
        // A map panel draws nothing outside itself (appcontest.figures._clip).
        if (p.projection && typeof p.width === "number" && typeof p.height === "number") {
          p.projection = Object.assign({}, p.projection, { clipExtent: [[0, 0], [p.width, p.height]] });
        }
        return p;
      });
    } else if (out.width === "container") {
      out.width = width;
      out.autosize = { type: "fit-x", contains: "padding" };
    }
    return out;
  }

  // The parameters a reader sets with a menu, wherever the spec declares them.
  function boundParams(spec) {
    var found = [];
    (function walk(node) {
      if (Array.isArray(node)) { node.forEach(walk); return; }
      if (!node || typeof node !== "object") return;
      (node.params || []).forEach(function (p) {
        if (p.bind && p.bind.input === "select") found.push(p);
      });
      ["layer"].concat(CONCAT).forEach(function (k) { if (node[k]) walk(node[k]); });
    })(spec);
    return found.map(function (p) {
      return {
        name: p.name,
        key: p.name.replace(/^pick_/, ""),
        label: String(p.bind.name || p.name).trim(),
        options: (p.bind.options || []).filter(function (o) { return o !== null; }).map(String),
      };
    });
  }

  // The parameters a reader sets with a slider: their values survive a redraw.
  function rangeParams(spec) {
    var found = [];
    (function walk(node) {
      if (Array.isArray(node)) { node.forEach(walk); return; }
      if (!node || typeof node !== "object") return;
      (node.params || []).forEach(function (p) {
        if (p.bind && p.bind.input === "range") found.push(p.name);
      });
      ["layer"].concat(CONCAT).forEach(function (k) { if (node[k]) walk(node[k]); });
    })(spec);
    return found;
  }

  // ---- the page's URL: #name?key=value&key=value --------------------------------------

  function parseHash() {
    var hash = decodeURIComponent(location.hash.replace(/^#/, "").replace(/\+/g, " "));
    var at = hash.indexOf("?");
    var name = at < 0 ? hash : hash.slice(0, at);
    var values = {};
    if (at >= 0) {
      hash.slice(at + 1).split("&").forEach(function (pair) {
        var eq = pair.indexOf("=");
        if (eq > 0) values[pair.slice(0, eq)] = pair.slice(eq + 1);
      });
    }
    return { name: name, values: values };
  }

  function writeHash(st) {
    var parts = st.params.filter(function (p) { return p.value != null; }).map(function (p) {
      return encodeURIComponent(p.key) + "=" + encodeURIComponent(p.value);
    });
    var hash = "#" + st.name + (parts.length ? "?" + parts.join("&") : "");
    if (location.hash !== hash) history.replaceState(history.state, "", hash);
  }

  function chartFor(name) {
    if (!name) return null;
    var found = null;
    states.forEach(function (st) { if (st.name === name) found = st; });
    return found;
  }

  // ---- set-up of one chart (no Vega needed) -------------------------------------------

  function setup(container) {
    var name = container.dataset.name;
    var base = container.id;
    var view = container.querySelector(".ac-chart-view");
    var details = container.querySelector("details.ac-chart-table");
    var scroller = details && details.querySelector(".ac-chart-table-scroll");
    var st = {
      name: name,
      container: container,
      view: view,
      params: [],
      items: [],
      current: -1,
      width: 0,
      vega: null,
    };
    states.set(container, st);
    if (!view) return st;

    // Filters (filled in by Vega-Embed), above the two views they filter.
    st.controls = el("div", { class: "ac-chart-controls" });
    view.parentNode.insertBefore(st.controls, view);

    // Chart and Table tabs.
    if (scroller) {
      var tabs = el("div", { class: "ac-chart-tabs", role: "tablist" });
      tabs.setAttribute("aria-labelledby", base + "-title");
      var chartTab = el("button", { type: "button", role: "tab", id: base + "-tab-chart", "aria-controls": base + "-panel-chart", "aria-selected": "true" }, "Chart");
      var tableTab = el("button", { type: "button", role: "tab", id: base + "-tab-table", "aria-controls": base + "-panel-table", "aria-selected": "false", tabindex: "-1" }, "Table");
      tabs.appendChild(chartTab);
      tabs.appendChild(tableTab);
      var chartPanel = el("div", { class: "ac-chart-panel", role: "tabpanel", id: base + "-panel-chart", "aria-labelledby": base + "-tab-chart" });
      var tablePanel = el("div", { class: "ac-chart-panel", role: "tabpanel", id: base + "-panel-table", "aria-labelledby": base + "-tab-table", hidden: "" });
      view.parentNode.insertBefore(tabs, view);
      view.parentNode.insertBefore(chartPanel, view);
      chartPanel.appendChild(view);
      var note = details.querySelector(".ac-chart-table-note");
      if (note) tablePanel.appendChild(note);
      tablePanel.appendChild(scroller);
      details.parentNode.replaceChild(tablePanel, details);
      st.table = scroller.querySelector("table");
      st.caption = st.table && st.table.querySelector("caption");
      st.captionText = st.caption ? st.caption.textContent : "";
      var select = function (tab) {
        var table = tab === tableTab;
        chartTab.setAttribute("aria-selected", String(!table));
        tableTab.setAttribute("aria-selected", String(table));
        chartTab.tabIndex = table ? -1 : 0;
        tableTab.tabIndex = table ? 0 : -1;
        chartPanel.hidden = table;
        tablePanel.hidden = !table;
        if (table) ensureRows(st);
      };
      [chartTab, tableTab].forEach(function (tab) {
        tab.addEventListener("click", function () { select(tab); });
        tab.addEventListener("keydown", function (event) {
          var keys = { ArrowLeft: 1, ArrowRight: 1, Home: 1, End: 1 };
          if (!keys[event.key]) return;
          event.preventDefault();
          var next = event.key === "Home" ? chartTab : event.key === "End" ? tableTab : tab === chartTab ? tableTab : chartTab;
          select(next);
          next.focus();
        });
      });
      st.chartPanel = chartPanel;
    }

    // The details of the selected mark, and the message for filters that leave nothing.
    // Both outside the view, whose role="img" would hide them from assistive technology.
    st.empty = el("p", { class: "ac-chart-empty", role: "status", hidden: "" }, container.dataset.empty || "Nothing matches these filters");
    st.details = el("div", { class: "ac-chart-details", "aria-live": "polite", hidden: "" });
    view.parentNode.insertBefore(st.details, view.nextSibling);
    view.parentNode.insertBefore(st.empty, view.nextSibling);

    // The CSV of what the reader sees, written when the link is followed.
    st.download = container.querySelector("a.ac-chart-download");
    if (st.download) st.download.addEventListener("click", function (event) { downloadCsv(st, event); });
    return st;
  }

  // ---- drawing ------------------------------------------------------------------------

  function render(st) {
    if (st.pending) return st.pending;
    var container = st.container;
    if (!container.dataset.spec || !st.view) {
      container.dataset.rendered = "static";
      return Promise.resolve();
    }
    container.dataset.rendered = "loading";
    st.pending = loadRuntime()
      .then(function () {
        if (st.spec) return st.spec;
        return fetch(container.dataset.spec).then(function (response) {
          if (!response.ok) throw new Error(response.status + " " + container.dataset.spec);
          return response.json();
        });
      })
      .then(function (spec) {
        st.spec = spec;
        st.params = boundParams(spec).map(function (p) { return Object.assign(p, { value: null }); });
        return fontReady(spec);
      })
      .then(function () { return redraw(st); })
      .then(function () {
        if (!st.vega) throw new Error("the chart's column has no width");
        container.dataset.rendered = "interactive";
        watchWidth(st);
        var wanted = parseHash();
        if (wanted.name === st.name) applyValues(st, wanted.values);
        allReady();
      })
      .catch(function (error) {
        container.dataset.rendered = "static";
        container.dataset.error = String(error);
        console.error("chart " + container.id + " kept its static image:", error);
      });
    return st.pending;
  }

  // One drawing at a time per chart: a resize during a drawing waits for it, then draws
  // for the width the column has by then (or not at all, if that is the width drawn).
  function redraw(st) {
    var previous = (st.queue || Promise.resolve()).catch(function () {});
    st.queue = previous.then(function () { return embed(st); });
    return st.queue;
  }

  function embed(st) {
    var width = Math.floor(st.view.clientWidth);
    if (!width || (st.vega && width === st.width)) return Promise.resolve();
    var values = {};
    st.params.forEach(function (p) { values[p.name] = p.value; });
    // Sliders (params bound to range inputs) keep what the reader set through a redraw.
    var ranges = {};
    if (st.vega) rangeParams(st.spec).forEach(function (n) { ranges[n] = st.vega.signal(n); });
    var target = el("div", { class: "ac-chart-interactive" });
    var old = st.target;
    if (st.vega) st.vega.finalize();
    st.controls.textContent = "";
    st.view.insertBefore(target, st.view.firstChild);
    var options = {
      renderer: "svg",
      actions: false,
      bind: st.controls,
      tooltip: function (handler, event, item, value) { hover(st, event, value); },
    };
    return window.vegaEmbed(target, sizeSpec(st.spec, width), options).then(function (result) {
      if (old) old.remove();
      var fallback = st.view.querySelector(".ac-chart-static");
      if (fallback) fallback.remove();
      // What the static image says it lacks (sliders need JavaScript) is no longer true.
      st.container.querySelectorAll(".ac-chart-static-note").forEach(function (n) { n.remove(); });
      st.target = target;
      st.vega = result.view;
      st.width = width;
      st.container.dataset.width = String(width); // the column width it was drawn for
      st.tip = el("div", { class: "ac-chart-tooltip", "aria-hidden": "true", hidden: "" });
      st.focus = el("div", { class: "ac-chart-focus", "aria-hidden": "true", hidden: "" });
      target.appendChild(st.tip);
      target.appendChild(st.focus);
      labelControls(st);
      var view = result.view;
      Object.keys(ranges).forEach(function (n) { view.signal(n, ranges[n]); });
      st.params.forEach(function (p) {
        if (values[p.name] != null) view.signal(p.name, values[p.name]);
        view.addSignalListener(p.name, function (name, value) {
          p.value = value == null || value === "" ? null : String(value);
          view.runAfter(function () { update(st); writeHash(st); });
        });
      });
      target.addEventListener("pointerdown", function (event) { st.pointer = event.pointerType; });
      view.addEventListener("click", function (event, item) { pick(st, item); });
      return view.runAsync().then(function () { update(st); });
    });
  }

  // Vega-Embed's menus: a label each, and the chart they belong to in their name.
  function labelControls(st) {
    st.controls.querySelectorAll("input[type=range]").forEach(function (input) {
      input.id = st.container.id + "-" + input.name;
    });
    st.controls.querySelectorAll("select").forEach(function (select) {
      var param = st.params.filter(function (p) { return p.name === select.name; })[0];
      if (param) select.id = st.container.id + "-" + param.key;
    });
  }

  function applyValues(st, values) {
    if (!st.vega) return;
    st.params.forEach(function (p) {
      var value = values[p.key];
      p.value = value != null && p.options.indexOf(value) >= 0 ? value : null;
      st.vega.signal(p.name, p.value);
    });
    st.vega.runAsync().then(function () { update(st); });
  }

  function watchWidth(st) {
    if (st.watching || typeof ResizeObserver !== "function") return;
    st.watching = true;
    var timer = null;
    new ResizeObserver(function () {
      var width = Math.floor(st.view.clientWidth);
      if (!width || Math.abs(width - st.width) < 4) return;
      clearTimeout(timer);
      timer = setTimeout(function () {
        var keep = st.current >= 0 ? JSON.stringify(st.items[st.current].item.tooltip) : null;
        redraw(st)
          .then(function () {
            if (keep) pickWhere(st, function (it) { return JSON.stringify(it.item.tooltip) === keep; });
          })
          .catch(function (error) { console.error("chart " + st.container.id + " was not redrawn:", error); });
      }, 200);
    }).observe(st.view);
  }

  // ---- what is drawn: marks with details, in reading order -----------------------------

  function drawnItems(st) {
    var out = [];
    var seen = new Set();
    var origin = st.vega.origin();
    (function walk(mark, ox, oy) {
      (mark.items || []).forEach(function (item) {
        if (mark.marktype === "group") {
          (item.items || []).forEach(function (child) { walk(child, ox + (item.x || 0), oy + (item.y || 0)); });
        } else if (item.tooltip != null && item.tooltip !== "") {
          var key = JSON.stringify(item.tooltip);
          if (seen.has(key)) return;
          seen.add(key);
          var b = item.bounds;
          out.push({ item: item, x1: b.x1 + ox + origin[0], y1: b.y1 + oy + origin[1], x2: b.x2 + ox + origin[0], y2: b.y2 + oy + origin[1] });
        }
      });
    })(st.vega.scenegraph().root, 0, 0);
    out.sort(function (a, b) { return (a.x1 + a.x2) - (b.x1 + b.x2) || (a.y1 + a.y2) - (b.y1 + b.y2); });
    return out;
  }

  function update(st) {
    if (!st.vega) return;
    // The view is the labelled image (title, description); Vega's SVG inside it is not
    // announced again, mark by mark, and its unnamed marks are no unnamed images.
    st.target.querySelectorAll("svg").forEach(function (svg) {
      svg.setAttribute("aria-hidden", "true");
      svg.setAttribute("focusable", "false");
    });
    st.items = drawnItems(st);
    clearPick(st);
    var rows = {};
    var keyed = false;
    st.items.forEach(function (it) {
      var row = it.item.datum && it.item.datum[ROW_FIELD];
      if (row != null) { rows[row] = true; keyed = true; }
    });
    var filtered = st.params.some(function (p) { return p.value != null; });
    if (st.table && (keyed || filtered)) {
      var shown = 0;
      var all = st.table.tBodies[0].rows;
      Array.prototype.forEach.call(all, function (tr) {
        var visible = !filtered || rows[tr.dataset.row] === true;
        tr.hidden = !visible;
        if (visible) shown += 1;
      });
      if (st.caption) {
        st.caption.textContent = filtered
          ? st.captionText.replace(/: \d+ rows$/, "") + ": " + shown + " of " + all.length + " rows (" + filterText(st) + ")"
          : st.captionText;
      }
    }
    var nothing = filtered && st.items.length === 0;
    st.empty.hidden = !nothing;
    st.view.classList.toggle("ac-chart-is-empty", nothing);
    st.view.tabIndex = st.items.length ? 0 : -1;
    if (!st.keys) {
      st.keys = true;
      st.view.addEventListener("keydown", function (event) { key(st, event); });
    }
    hint(st);
  }

  function filterText(st) {
    return st.params.filter(function (p) { return p.value != null; }).map(function (p) {
      return p.label + " = " + p.value;
    }).join("; ");
  }

  // ---- details: tap, click, keyboard; hover for a mouse --------------------------------

  function hint(st) {
    if (!st.items.length) { st.details.hidden = true; return; }
    if (st.current >= 0) return;
    st.details.hidden = false;
    st.details.textContent = "";
    st.details.appendChild(el("p", { class: "ac-chart-hint" }, "Tap or click a mark for its details, or select the chart and use the arrow keys."));
  }

  function fields(value) {
    var list = el("dl");
    if (value && typeof value === "object") {
      Object.keys(value).forEach(function (k) {
        list.appendChild(el("dt", {}, k));
        var dd = el("dd");
        String(value[k]).split(" | ").forEach(function (part, i) {
          if (i) dd.appendChild(el("br"));
          dd.appendChild(linked(part));
        });
        list.appendChild(dd);
      });
    } else {
      list.appendChild(el("dd", {}, String(value)));
    }
    return list;
  }

  function show(st, index) {
    var it = st.items[index];
    if (!it) return;
    st.current = index;
    st.details.hidden = false;
    st.details.textContent = "";
    var head = el("div", { class: "ac-chart-details-head" });
    head.appendChild(el("p", { class: "ac-chart-details-title" }, "Details (" + (index + 1) + " of " + st.items.length + ")"));
    var close = el("button", { type: "button", class: "ac-chart-details-close" }, "Close");
    close.addEventListener("click", function () { clearPick(st); hint(st); st.view.focus(); });
    head.appendChild(close);
    st.details.appendChild(head);
    st.details.appendChild(fields(it.item.tooltip));
    var pad = 3;
    st.focus.hidden = false;
    st.focus.style.left = it.x1 - pad + "px";
    st.focus.style.top = it.y1 - pad + "px";
    st.focus.style.width = Math.max(0, it.x2 - it.x1) + 2 * pad + "px";
    st.focus.style.height = Math.max(0, it.y2 - it.y1) + 2 * pad + "px";
  }

  function clearPick(st) {
    st.current = -1;
    if (st.focus) st.focus.hidden = true;
  }

  function pickWhere(st, test) {
    for (var i = 0; i < st.items.length; i += 1) {
      if (test(st.items[i])) { show(st, i); return true; }
    }
    return false;
  }

  function pick(st, item) {
    hover(st, null, null);
    if (!item || item.tooltip == null) return;
    var key = JSON.stringify(item.tooltip);
    if (pickWhere(st, function (it) { return it.item === item || JSON.stringify(it.item.tooltip) === key; })) {
      // On a phone the panel may be below the fold, under the legend.
      st.details.scrollIntoView({ block: "nearest" });
    }
  }

  function key(st, event) {
    if (!st.items.length) return;
    var n = st.items.length;
    var i = st.current;
    var next = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: n - 1 }[event.key];
    if (event.key === "Escape") { clearPick(st); hint(st); return; }
    if (next == null) return;
    event.preventDefault();
    if (i < 0) next = event.key === "ArrowLeft" || event.key === "ArrowUp" ? n - 1 : event.key === "End" ? n - 1 : 0;
    show(st, Math.max(0, Math.min(n - 1, next)));
  }

  // The hover tooltip, inside the chart (so it is in the page's landmarks), wrapped to
  // the chart's width. Touch gets the details panel instead.
  function hover(st, event, value) {
    var tip = st.tip;
    if (!tip) return;
    if (value == null || value === "" || !event || st.pointer === "touch" || st.pointer === "pen") {
      tip.hidden = true;
      return;
    }
    tip.textContent = "";
    tip.appendChild(fields(value));
    tip.hidden = false;
    var box = st.target.getBoundingClientRect();
    var x = event.clientX - box.left;
    var y = event.clientY - box.top;
    var width = tip.offsetWidth;
    var left = Math.max(0, Math.min(x + 12, box.width - width));
    var top = y + 16;
    if (top + tip.offsetHeight > box.height && y - 12 - tip.offsetHeight > 0) top = y - 12 - tip.offsetHeight;
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }

  // ---- CSV of the rows shown ----------------------------------------------------------

  function csvText(st) {
    var table = st.table;
    var lines = [];
    var title = (st.container.querySelector(".ac-chart-title") || {}).textContent || st.name;
    var source = ((st.container.querySelector(".ac-chart-source") || {}).textContent || "").replace(/^Source:\s*/, "").replace(/\.$/, "");
    var rows = table ? Array.prototype.filter.call(table.tBodies[0].rows, function (tr) { return !tr.hidden; }) : [];
    var total = table ? table.tBodies[0].rows.length : 0;
    var filters = filterText(st);
    var notes = [
      title + ": " + (filters ? rows.length + " of " + total + " rows; filters: " + filters : "all " + total + " rows of the chart") + ".",
      "Source: " + source + ".",
      "Cite as: " + (st.container.dataset.cite || document.title),
      "Licence: CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).",
      'Lines starting with # are notes; every field is quoted. pandas: read_csv(path, comment="#").',
      "View: " + location.href.split("#")[0] + location.hash,
    ];
    lines = notes.map(function (note) { return "# " + note.replace(/\s+/g, " "); });
    if (table) {
      var head = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) { return csvField(th.textContent); });
      lines.push(head.join(","));
      rows.forEach(function (tr) {
        lines.push(Array.prototype.map.call(tr.cells, function (td) { return csvField(cellText(td)); }).join(","));
      });
    }
    return "\ufeff" + lines.join("\n") + "\n";
  }

  function csvName(st) {
    return st.name + st.params.filter(function (p) { return p.value != null; }).map(function (p) {
      return "--" + slug(p.key) + "-" + slug(p.value);
    }).join("") + ".csv";
  }

  function downloadCsv(st, event) {
    var link = st.download;
    if (st.table && st.table.dataset.rows === "csv") {
      // A long table is filled from the CSV file only when it is first needed: here.
      event.preventDefault();
      ensureRows(st).then(function () {
        if (st.table.dataset.rows === "loaded") link.click();
      });
      return;
    }
    try {
      var blob = new Blob([csvText(st)], { type: "text/csv;charset=utf-8" });
      var url = URL.createObjectURL(blob);
      var previous = link.dataset.blob;
      link.href = url;
      link.download = csvName(st);
      link.dataset.blob = url;
      if (previous) setTimeout(function () { URL.revokeObjectURL(previous); }, 1000);
    } catch (error) {
      console.error("CSV of " + st.name + ": the published file is downloaded instead", error);
    }
  }

  // ---- start ----------------------------------------------------------------------------

  function allReady() {
    var done = true;
    states.forEach(function (st) { if (st.container.dataset.rendered !== "interactive") done = false; });
    if (done) document.documentElement.dataset.chartsReady = "true";
  }

  function fromHash() {
    var wanted = parseHash();
    var st = chartFor(wanted.name);
    if (!st) return;
    st.container.scrollIntoView();
    render(st).then(function () { applyValues(st, wanted.values); });
  }

  function start() {
    var containers = Array.prototype.slice.call(document.querySelectorAll(".ac-chart"));
    containers.forEach(setup);
    if (typeof IntersectionObserver === "function") {
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (!entry.isIntersecting) return;
          observer.unobserve(entry.target);
          render(states.get(entry.target));
        });
      }, { rootMargin: NEAR });
      containers.forEach(function (c) { observer.observe(c); });
    } else {
      containers.forEach(function (c) { render(states.get(c)); });
    }
    fromHash();
    window.addEventListener("hashchange", fromHash);
  }

  window.appcontestCharts = { sizeSpec: sizeSpec, states: states };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
