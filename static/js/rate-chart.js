// Grouped bar chart of rates per town (ECharts, vendored).
(function () {
  const element = document.getElementById("rate-chart");
  const data = document.getElementById("rate-chart-data");
  if (!element || !data) return;
  const script = document.createElement("script");
  script.src = element.dataset.echarts || "/static/vendor/echarts/echarts.min.js";
  script.onload = () => {
    const chart = JSON.parse(data.textContent);
    const instance = echarts.init(element);
    instance.setOption({
      tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : `${v}%`) },
      legend: { type: "scroll", top: 0 },
      grid: { left: 40, right: 10, top: 40, bottom: 60 },
      xAxis: { type: "category", data: chart.groups, axisLabel: { rotate: 30 } },
      yAxis: { type: "value", min: 0, max: 100 },
      series: chart.series.map((s) => ({ name: s.name, type: "bar", data: chart.groups.map((g) => s.values[g] ?? null) })),
    });
    window.addEventListener("resize", () => instance.resize());
  };
  document.head.appendChild(script);
})();
