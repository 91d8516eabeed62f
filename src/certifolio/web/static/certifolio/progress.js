// Keeps the progress of the latest sending up to date on a session's convocations page
// (web/convocations/messages.html): while e-mails wait, it reads the progress again from
// the page's JSON address every few seconds, and reloads the page once they are all
// done so that the list shows every state. Without this script, the page has a link
// to refresh it.
(function () {
  "use strict";

  var block = document.querySelector("[data-progress-url]");
  if (!block || Number(block.dataset.queued || 0) === 0) {
    return;
  }
  var url = block.dataset.progressUrl;

  function show(progress) {
    ["total", "sent", "queued", "failed"].forEach(function (key) {
      var cell = block.querySelector('[data-count="' + key + '"]');
      if (cell) {
        cell.textContent = String(progress[key]);
      }
    });
    var bar = block.querySelector("progress");
    if (bar) {
      bar.max = Math.max(progress.total, 1);
      bar.value = progress.sent + progress.failed;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (progress) {
        show(progress);
        if (progress.queued > 0) {
          window.setTimeout(poll, 3000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        window.setTimeout(poll, 10000); // The server may be restarting: try again later.
      });
  }

  window.setTimeout(poll, 2000);
})();
