// Service report charts (服务报告): the page gives every chart as plain data in <script type="application/json"
// id="report-charts">; each <div data-chart="id"> is drawn by ECharts (SVG, so it prints sharply) and redrawn to
// the paper's width before printing.
(function () {
  "use strict";

  var source = document.getElementById("report-charts");
  if (!source || !window.echarts) {
    return;
  }
  var specs = {};
  JSON.parse(source.textContent || "[]").forEach(function (spec) { specs[spec.id] = spec; });
  var COLORS = ["#12355b", "#2e7d32", "#c62828", "#ed6c02", "#6a1b9a"];
  var charts = [];

  function axisOption(spec) {
    var percent = spec.unit === "%";
    return {
      color: COLORS,
      animation: false,
      grid: { left: 8, right: 8, top: 28, bottom: 8, containLabel: true },
      legend: { top: 0, type: "scroll", show: spec.series.length > 1 },
      tooltip: { trigger: "axis", confine: true },
      xAxis: { type: "category", data: spec.categories, axisLabel: { hideOverlap: true, interval: "auto" } },
      yAxis: { type: "value", max: percent ? 100 : null, minInterval: 1,
               axisLabel: { formatter: percent ? "{value}%" : "{value}" } },
      series: spec.series.map(function (s) {
        return { name: s.name, type: spec.type, data: s.data, connectNulls: true, barMaxWidth: 36,
                 label: { show: spec.type === "bar" && spec.categories.length <= 8, position: "top" } };
      })
    };
  }

  function heatOption(spec) {
    return {
      animation: false,
      grid: { left: 8, right: 8, top: 8, bottom: 48, containLabel: true },
      tooltip: { position: "top", confine: true },
      xAxis: { type: "category", data: spec.x, splitArea: { show: true }, axisLabel: { interval: 2 } },
      yAxis: { type: "category", data: spec.y, inverse: true, axisLabel: { width: 96, overflow: "truncate" } },
      visualMap: { min: 0, max: Math.max(spec.max, 1), calculable: false, orient: "horizontal", left: "center",
                   bottom: 0, itemHeight: 90, inRange: { color: ["#fff5f5", "#c62828"] } },
      series: [{ type: "heatmap", data: spec.cells, label: { show: true, fontSize: 10 } }]
    };
  }

  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var spec = specs[box.dataset.chart];
    if (!spec) {
      return;
    }
    if (spec.type === "heatmap") {
      box.style.height = Math.max(160, spec.y.length * 22 + 90) + "px";
    }
    var chart = window.echarts.init(box, null, { renderer: "svg" });
    chart.setOption(spec.type === "heatmap" ? heatOption(spec) : axisOption(spec));
    box.dataset.drawn = "true";
    charts.push(chart);
  });

  function resize() { charts.forEach(function (chart) { chart.resize(); }); }
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
})();
