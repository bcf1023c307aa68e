// Replace each chart's static SVG by the interactive Vega view. The Vega libraries are
// vendored and loaded only on pages with charts (see appcontest.sphinxext.vega).
// If anything fails, the static SVG stays: the reader still sees the chart.
(function () {
  "use strict";
  // Vega measures text when it lays a chart out. Wait (briefly) for the chart's font, so
  // labels are measured in the glyphs they are drawn in, as in the static image.
  function fontReady(spec) {
    var family = spec && spec.config && spec.config.font;
    if (!family || !document.fonts || typeof document.fonts.load !== "function") {
      return Promise.resolve();
    }
    var loads = Promise.all([
      document.fonts.load("400 12px " + family),
      document.fonts.load("700 15px " + family),
    ]);
    var timeout = new Promise(function (resolve) { setTimeout(resolve, 3000); });
    return Promise.race([loads, timeout]).catch(function () {});
  }
  function render(container) {
    var specNode = container.querySelector("script.ac-chart-spec");
    var view = container.querySelector(".ac-chart-view");
    if (!specNode || !view || typeof window.vegaEmbed !== "function") {
      container.dataset.rendered = "static";
      return Promise.resolve();
    }
    var target = document.createElement("div");
    target.className = "ac-chart-interactive";
    view.appendChild(target);
    var options = {
      renderer: "svg",
      actions: { export: true, source: false, compiled: false, editor: false },
    };
    return Promise.resolve()
      .then(function () {
        var spec = JSON.parse(specNode.textContent);
        return fontReady(spec).then(function () {
          return window.vegaEmbed(target, spec, options);
        });
      })
      .then(function () {
        var fallback = view.querySelector(".ac-chart-static");
        if (fallback) fallback.remove();
        container.dataset.rendered = "interactive";
      })
      .catch(function (error) {
        target.remove();
        container.dataset.rendered = "static";
        container.dataset.error = String(error);
        console.error("chart " + container.id + " kept its static image:", error);
      });
  }
  function renderAll() {
    var charts = Array.prototype.slice.call(document.querySelectorAll(".ac-chart"));
    return Promise.all(charts.map(render)).then(function () {
      document.documentElement.dataset.chartsReady = "true";
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", renderAll);
  } else {
    renderAll();
  }
})();
