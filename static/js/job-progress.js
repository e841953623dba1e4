/* The background job page: polls the job's status (the URL is in data-job-status-url) every
   second and moves the progress bar until the job is done or failed. Without JavaScript the
   page shows the state when it was loaded and a link to load it again. No inline styles: the
   bar's width is one of the .w-job-N classes of letters.css (steps of five). */
(function () {
  "use strict";

  var PERSIAN = "۰۱۲۳۴۵۶۷۸۹";
  var INTERVAL_MS = 1000;
  var MAX_FAILURES = 30;

  function percentSign() {
    var lang = (document.documentElement.lang || "").toLowerCase();
    return lang.indexOf("en") === 0 ? "%" : "٪";
  }

  function digits(value) {
    var lang = (document.documentElement.lang || "").toLowerCase();
    var text = String(value);
    if (lang.indexOf("en") === 0) return text;
    return text.replace(/[0-9]/g, function (d) { return PERSIAN[Number(d)]; });
  }

  function show(el, visible) {
    if (el) el.classList.toggle("d-none", !visible);
  }

  function render(root, status) {
    var bar = root.querySelector("[data-job-bar]");
    var fill = root.querySelector("[data-job-fill]");
    var percent = root.querySelector("[data-job-percent]");
    var state = root.querySelector("[data-job-state]");
    var count = root.querySelector("[data-job-count]");
    var progress = Math.max(0, Math.min(100, Number(status.progress) || 0));
    var step = Math.floor(progress / 5) * 5;

    if (fill) {
      Array.prototype.slice.call(fill.classList).forEach(function (name) {
        if (name.indexOf("w-job-") === 0) fill.classList.remove(name);
      });
      fill.classList.add("w-job-" + step);
      var finished = Boolean(status.finished);
      fill.classList.toggle("progress-bar-striped", !finished);
      fill.classList.toggle("progress-bar-animated", !finished);
      fill.classList.toggle("bg-success", status.state === "done");
      fill.classList.toggle("bg-danger", status.state === "failed");
    }
    if (bar) bar.setAttribute("aria-valuenow", String(progress));
    if (percent) percent.textContent = digits(progress) + percentSign();
    if (state) state.textContent = status.state_label || status.state;
    if (count && status.total) {
      var of = count.getAttribute("data-job-count-of") || "/";
      count.textContent = digits(status.done) + " " + of + " " + digits(status.total);
    }

    var error = root.querySelector("[data-job-error]");
    if (error && status.state === "failed") error.textContent = status.error || "";
    show(error, status.state === "failed");

    var done = root.querySelector("[data-job-done]");
    if (done && status.download_url) {
      var link = done.querySelector("a");
      if (link) link.setAttribute("href", status.download_url);
    }
    show(done, Boolean(status.download_url));
    show(root.querySelector("[data-job-waiting]"), !status.finished);
  }

  function poll(root, url) {
    var failures = 0;

    function tick() {
      fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (status) {
          failures = 0;
          render(root, status);
          if (!status.finished) window.setTimeout(tick, INTERVAL_MS);
        })
        .catch(function () {
          failures += 1;
          if (failures < MAX_FAILURES) window.setTimeout(tick, INTERVAL_MS * 2);
        });
    }

    tick();
  }

  function start() {
    var roots = document.querySelectorAll("[data-job-status-url]");
    Array.prototype.forEach.call(roots, function (root) {
      poll(root, root.getAttribute("data-job-status-url"));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
