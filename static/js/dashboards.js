/* Draws the dashboard charts with Apache ECharts (static/vendor/echarts, installed by scripts/setup from npm).
 * Each chart box <div class="dash-canvas" data-chart="ID"> reads its figures from the json_script tag #ID
 * (no inline script: the Content-Security-Policy allows only our own files). The table below each chart
 * holds the same numbers. */
(function () {
  "use strict";
  var PALETTE = ["#1f5fa8", "#c0392b", "#2e8b57", "#e6a23c", "#7b5ea7", "#16a0a0", "#8c6d31", "#5d6d7e"];

  function options(d) {
    var horizontal = d.kind === "hbar";
    var category = { type: "category", data: d.categories, axisLabel: { interval: 0, hideOverlap: true } };
    var value = { type: "value", minInterval: 1 };
    if (d.percent) {
      value = { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } };
    }
    if (horizontal) {
      category.inverse = true;
      category.axisLabel = { width: 140, overflow: "truncate" };
    }
    var series = d.series.map(function (s) {
      return {
        name: s.name,
        type: d.kind === "line" ? "line" : "bar",
        stack: d.stacked ? "total" : undefined,
        data: s.data,
        itemStyle: s.color ? { color: s.color } : undefined,
        barMaxWidth: 36,
        label: d.percent ? { show: true, position: horizontal ? "right" : "top", formatter: "{c}%" } : undefined,
      };
    });
    return {
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: "sans-serif" },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: series,
    };
  }

  function draw() {
    if (typeof window.echarts === "undefined") {
      return;
    }
    var charts = [];
    document.querySelectorAll(".dash-canvas[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) {
        return;
      }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(options(JSON.parse(source.textContent)));
      el.setAttribute("data-drawn", "1");
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) {
        c.resize();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
