// Collects script errors and console.error calls into #console-errors, so
// a headless test (and anyone reporting a problem) can read them from the
// page. A classic script, loaded before the modules, so it sees their errors.
(function () {
  "use strict";
  var errors = [];
  function show() {
    var box = document.getElementById("console-errors");
    if (!box) return;
    box.textContent = errors.join("\n");
    box.setAttribute("data-count", String(errors.length));
  }
  function record(text) {
    errors.push(String(text));
    show();
  }
  var original = console.error.bind(console);
  console.error = function () {
    var parts = Array.prototype.slice.call(arguments).map(function (a) {
      return a && a.stack ? a.stack : String(a);
    });
    record(parts.join(" "));
    original.apply(null, arguments);
  };
  window.addEventListener(
    "error",
    function (event) {
      if (event.target && event.target !== window && event.target.tagName) {
        record("failed to load " + (event.target.src || event.target.href || event.target.tagName));
      } else {
        record(event.message + " (" + event.filename + ":" + event.lineno + ")");
      }
    },
    true
  );
  window.addEventListener("unhandledrejection", function (event) {
    var reason = event.reason;
    if (reason && reason.name === "AbortError") return;
    record("unhandled rejection: " + (reason && reason.stack ? reason.stack : reason));
  });
  document.addEventListener("DOMContentLoaded", show);
})();
