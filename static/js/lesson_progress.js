// Lessons that count as done when their end is reached: the progress frame sits below
// the lesson's content, so it coming into view means the clerk reached the end. Then
// the "mark as done" form is sent in the background (with its CSRF token, how=end).
(function () {
  "use strict";
  var frame = document.querySelector("[data-complete-at-end]");
  if (!frame || !("IntersectionObserver" in window) || !window.fetch) {
    return; // the button still works
  }
  var form = frame.querySelector("form");
  var sent = false;
  var observer = new IntersectionObserver(function (entries) {
    if (sent || !entries.some(function (e) { return e.isIntersecting; })) {
      return;
    }
    sent = true;
    observer.disconnect();
    var data = new FormData(form);
    data.set("how", "end");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (result) {
      if (result && result.completed) {
        var done = document.createElement("p");
        done.className = "progress-done";
        done.setAttribute("role", "status");
        done.textContent = "✓ " + result.message;
        form.replaceWith(done);
      }
    });
  });
  observer.observe(frame);
})();
