// 家门口 staff console: the only script. Polls fragments marked data-poll (new messages of a
// handoff) and keeps 1341 clocks counting down. Works without it; pages reload normally.
(function () {
  "use strict";
  function poll(el) {
    var url = el.getAttribute("data-poll");
    var every = parseInt(el.getAttribute("data-every") || "5", 10) * 1000;
    function tick() {
      fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
        .then(function (r) { if (r.status === 401) { window.location.reload(); } return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null && html !== el.innerHTML) { el.innerHTML = html; } })
        .catch(function () {})
        .then(function () { setTimeout(tick, every); });
    }
    setTimeout(tick, every);
  }
  function words(seconds) {
    var m = Math.floor(Math.abs(seconds) / 60), d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60);
    if (d) { return d + " 天 " + h + " 小时"; }
    if (h) { return h + " 小时 " + (m % 60) + " 分钟"; }
    return m ? m + " 分钟" : "不到 1 分钟";
  }
  function clocks() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var left = (Date.parse(el.getAttribute("data-due")) - now) / 1000;
      el.textContent = left >= 0 ? "剩 " + words(left) : "超时 " + words(left);
      el.classList.toggle("late", left < 0);
    });
  }
  document.querySelectorAll("[data-poll]").forEach(poll);
  if (document.querySelector("[data-due]")) { setInterval(clocks, 30000); }
})();
