// Polls a background export's status every two seconds and reloads once it has finished,
// so the download link appears. Without JavaScript the page has a reload link.
// Used by the Anki deck and the report export pages: the element with
// data-export-status (the status.json address) holds a <progress> and a role="status".
(function () {
  var root = document.querySelector("[data-export-status]");
  if (!root) return;
  var bar = root.querySelector("progress");
  var state = root.querySelector("[role=status]");
  function poll() {
    fetch(root.dataset.exportStatus, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response); })
      .then(function (data) {
        bar.value = data.progress;
        bar.setAttribute("aria-valuenow", data.progress);
        bar.textContent = data.progress + " %";
        state.textContent = data.status_label;
        if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
