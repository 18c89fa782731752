/* Draws each panel's chart with the locally served ECharts once htmx has loaded the panel.
   The same figures are always in the panel's table (for screen readers and keyboards). */
(function () {
  "use strict";

  function percent(kind) {
    return kind === "rate";
  }

  function option(spec) {
    var first = spec.series[0];
    var axisLabel = percent(first.kind)
      ? { formatter: function (v) { return (v * 100).toFixed(0) + "%"; } }
      : {};
    var tooltip = {
      trigger: spec.type === "pie" ? "item" : "axis",
      valueFormatter: function (v) {
        return v === null || v === undefined ? "—" : percent(first.kind) ? (v * 100).toFixed(2) + "%" : String(v);
      },
    };
    if (spec.type === "pie") {
      return {
        tooltip: tooltip,
        series: [{
          type: "pie", radius: ["35%", "70%"],
          data: spec.categories.map(function (name, i) { return { name: name, value: first.data[i] }; }),
        }],
      };
    }
    var series = spec.series.map(function (s) {
      return { name: s.name, type: spec.type === "line" ? "line" : "bar", data: s.data, smooth: spec.type === "line" };
    });
    var yAxis = [{ type: "value", axisLabel: axisLabel }];
    if (spec.type === "pareto" && spec.line) {
      yAxis.push({ type: "value", max: 1, axisLabel: { formatter: function (v) { return (v * 100).toFixed(0) + "%"; } } });
      series.push({ name: spec.line.name, type: "line", yAxisIndex: 1, data: spec.line.data });
    }
    return {
      tooltip: tooltip,
      legend: { show: series.length > 1, bottom: 0 },
      grid: { left: 48, right: spec.type === "pareto" ? 48 : 16, top: 16, bottom: series.length > 1 ? 56 : 40, containLabel: true },
      xAxis: { type: "category", data: spec.categories, axisLabel: { interval: 0, rotate: spec.categories.length > 6 ? 35 : 0, width: 90, overflow: "truncate" } },
      yAxis: yAxis,
      series: series,
    };
  }

  function draw(root) {
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var data = el.parentNode.querySelector(".an-chart-data");
      if (!data || !window.echarts) return;
      var spec = JSON.parse(data.textContent);
      if (!spec.type) return;
      var chart = window.echarts.init(el);
      chart.setOption(option(spec));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
