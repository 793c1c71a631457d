// Draws each chart from the JSON the page carries, with Chart.js. Every chart also has a table (server-rendered);
// the toggle shows one or the other. Text goes in through Chart.js options and textContent, never as HTML.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const L = data.labels, C = data.charts;
  const cat = (c) => data.categories[c] || c;
  const week = (t) => String(t).slice(0, 10);
  const colors = ["#1264a3", "#2bac76", "#e8912d", "#cd2553", "#7c3aed", "#0891b2", "#65a30d", "#a16207", "#475569"];
  const base = (extra) => Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, extra || {});

  const charts = {
    flow: () => ({
      type: "bar",
      data: { labels: C.flow.map((w) => week(w.week)), datasets: [
        { label: L.proposed, data: C.flow.map((w) => w.proposed), backgroundColor: colors[0] },
        { label: L.accepted, data: C.flow.map((w) => w.accepted), backgroundColor: colors[2] },
        { label: L.done, data: C.flow.map((w) => w.done), backgroundColor: colors[1] }] },
      options: base({ scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }),
    }),
    open: () => ({
      type: "doughnut",
      data: { labels: C.open.map((o) => cat(o.category)), datasets: [{ label: L.open, data: C.open.map((o) => o.open), backgroundColor: colors }] },
      options: base(),
    }),
    capacity: () => {
      const weeks = [...new Set(C.capacity.map((x) => week(x.week)))];
      const teams = [...new Set(C.capacity.map((x) => x.team))];
      const sets = [];
      teams.forEach((t, k) => {
        const name = t || L.noTeam;
        const at = (w, f) => { const r = C.capacity.find((x) => x.team === t && week(x.week) === w); return r ? r[f] : 0; };
        sets.push({ label: name + " · " + L.pledged, data: weeks.map((w) => at(w, "pledged")), type: "line", borderColor: colors[k % colors.length], backgroundColor: colors[k % colors.length] });
        sets.push({ label: name + " · " + L.delivered, data: weeks.map((w) => at(w, "delivered")), backgroundColor: colors[k % colors.length] + "99" });
      });
      return { type: "bar", data: { labels: weeks, datasets: sets }, options: base({ scales: { y: { beginAtZero: true } } }) };
    },
    lead: () => ({
      type: "bar",
      data: { labels: C.lead.map((x) => cat(x.category)), datasets: [
        { label: L.median, data: C.lead.map((x) => x.medianDays), backgroundColor: colors[0] },
        { label: L.p90, data: C.lead.map((x) => x.p90Days), backgroundColor: colors[3] }] },
      options: base({ scales: { y: { beginAtZero: true } } }),
    }),
    funnel: () => ({
      type: "bar",
      data: { labels: C.funnel.map((s) => L[s.stage] || s.stage), datasets: [{ label: L.items, data: C.funnel.map((s) => s.items), backgroundColor: colors.slice(0, 4) }] },
      options: base({ indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }),
    }),
    recognition: () => ({
      type: "bar",
      data: { labels: C.recognition.map((r) => r.userId), datasets: [{ label: L.done, data: C.recognition.map((r) => r.done), backgroundColor: colors[1] }] },
      options: base({ plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }),
    }),
  };

  document.querySelectorAll("section.chart").forEach((section) => {
    const id = section.dataset.chart;
    const button = section.querySelector("button.toggle");
    button.addEventListener("click", () => {
      const table = section.classList.toggle("as-table");
      button.textContent = table ? L.asChart : L.asTable;
    });
    if (typeof Chart === "undefined") { section.classList.add("no-script"); return; }
    new Chart(document.getElementById("canvas-" + id), charts[id]());
  });
})();
