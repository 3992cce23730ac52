// Polls the import job's progress (JSON) and updates the page; reloads once the job is finished.
// Loaded as a static file (no inline script), so it works under a strict Content-Security-Policy.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  function set(name, value) {
    var el = box.querySelector('[data-field="' + name + '"]');
    if (el && value !== undefined && value !== null) { el.textContent = String(value); }
  }
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (data.finished) { window.location.reload(); return; }
        ["status_label", "rows_read", "rows_valid", "rows_invalid", "rows_created", "rows_unchanged", "estimated_rows"]
          .forEach(function (k) { set(k, data[k]); });
        var bar = box.querySelector('[data-field="bar"]');
        if (bar && data.estimated_rows) {
          bar.value = Math.min(99, Math.round(100 * data.rows_read / data.estimated_rows));
        }
        window.setTimeout(tick, 2000);
      })
      .catch(function () { window.setTimeout(tick, 5000); });
  }
  window.setTimeout(tick, 1000);
})();
