// Reading trends (设备读数趋势): the page gives each item's points in <script type="application/json"
// id="trend-data">; the <div data-trend> is drawn by ECharts as a line with the normal band shaded green and
// abnormal readings marked red.
(function () {
  "use strict";

  var source = document.getElementById("trend-data");
  var box = document.querySelector("[data-trend]");
  if (!source || !box || !window.echarts) {
    return;
  }
  var spec = JSON.parse(source.textContent || "{}");
  var band = [];
  if (spec.low !== null || spec.high !== null) {
    band = [[{ yAxis: spec.low === null ? "min" : spec.low }, { yAxis: spec.high === null ? "max" : spec.high }]];
  }
  var chart = window.echarts.init(box, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis", confine: true },
    xAxis: { type: "category", data: spec.points.map(function (p) { return p[0]; }),
             axisLabel: { hideOverlap: true } },
    yAxis: { type: "value", scale: true, name: spec.unit || "" },
    series: [
      { name: spec.name, type: "line", data: spec.points.map(function (p) { return p[1]; }), color: "#12355b",
        markArea: { silent: true, itemStyle: { color: "rgba(46, 125, 50, 0.12)" }, data: band } },
      { name: spec.name, type: "scatter", color: "#c62828", symbolSize: 10,
        data: spec.abnormal.map(function (p) { return [p[0], p[1]]; }) }
    ]
  });
  box.dataset.drawn = "true";
}());
