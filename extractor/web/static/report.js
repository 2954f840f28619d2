// extractor report: sort and filter tables, show a claim's fields over its evidence. No dependencies, no network.
"use strict";
(function () {
  function sortBy(table, th) {
    const index = Array.prototype.indexOf.call(th.parentNode.children, th);
    const numeric = th.dataset.type === "number";
    const dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    table.querySelectorAll("th[aria-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
    const body = table.tBodies[0];
    const key = function (row) {
      const cell = row.cells[index];
      const raw = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
      return numeric ? parseFloat(raw) : raw.toLowerCase();
    };
    const rows = Array.from(body.rows).map(function (row, i) { return [key(row), i, row]; });
    rows.sort(function (a, b) {
      let c = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
      if (numeric && isNaN(a[0]) !== isNaN(b[0])) c = isNaN(a[0]) ? 1 : -1;
      return (dir === "ascending" ? c : -c) || a[1] - b[1];
    });
    rows.forEach(function (r) { body.appendChild(r[2]); });
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th[data-type]").forEach(function (th) {
      th.querySelector("button").addEventListener("click", function () { sortBy(table, th); });
    });
  });

  const filters = document.getElementById("filters");
  if (filters) {
    const apply = function () {
      const task = filters.elements.task.value.trim().toLowerCase();
      const arch = filters.elements.architecture.value;
      const unit = filters.elements.unit.value;
      const min = parseFloat(filters.elements.min.value);
      const rows = document.querySelectorAll("#speedups tbody tr");
      let shown = 0;
      rows.forEach(function (row) {
        const ok = (!task || row.dataset.task.indexOf(task) >= 0) && (!arch || row.dataset.architecture === arch)
          && (!unit || row.dataset.unit === unit) && (isNaN(min) || parseFloat(row.dataset.value) >= min);
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      document.getElementById("shown").value = shown + " of " + rows.length;
    };
    filters.addEventListener("input", apply);
    filters.addEventListener("submit", function (e) { e.preventDefault(); });
  }

  const search = document.getElementById("paper-search");
  if (search) {
    search.addEventListener("input", function () {
      const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      document.querySelectorAll("#papers tbody tr").forEach(function (row) {
        row.hidden = !words.every(function (w) { return row.dataset.search.indexOf(w) >= 0; });
      });
    });
  }

  const data = document.getElementById("paper-data");
  const tip = document.getElementById("tip");
  if (data && tip) {
    const claims = JSON.parse(data.textContent).claims || [];
    const show = function (mark) {
      tip.textContent = mark.dataset.claims.split(" ").map(function (i) {
        return "claim " + claims[Number(i)].idx + " · " + claims[Number(i)].summary;
      }).join("\n");
      const box = mark.getBoundingClientRect();
      tip.style.left = (window.scrollX + box.left) + "px";
      tip.style.top = (window.scrollY + box.bottom + 6) + "px";
      tip.hidden = false;
    };
    const hide = function () { tip.hidden = true; };
    document.querySelectorAll("mark[data-claims]").forEach(function (mark) {
      mark.removeAttribute("title");  // the tooltip below replaces the browser's own
      mark.setAttribute("aria-describedby", "tip");
      mark.addEventListener("mouseenter", function () { show(mark); });
      mark.addEventListener("focus", function () { show(mark); });
      mark.addEventListener("mouseleave", hide);
      mark.addEventListener("blur", hide);
    });
  }
})();
