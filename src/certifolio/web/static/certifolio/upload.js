// Adds a progress bar to the upload forms (web/portfolio/_upload_form.html): the files
// go by XMLHttpRequest, the server answers JSON, refusals are listed in the form's live
// region, and the page reloads on success. Without this script the forms post as usual.
(function () {
  "use strict";

  function showErrors(status, errors) {
    var list = document.createElement("ul");
    list.className = "errorlist";
    errors.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    status.replaceChildren(list);
  }

  function enhance(form) {
    if (form.dataset.enhanced) {
      return; // The partial may be included, with this script, more than once a page.
    }
    form.dataset.enhanced = "1";
    var progress = form.querySelector("progress");
    var status = form.querySelector("[role=status]");
    var button = form.querySelector("button[type=submit]");

    // Files over the limits are refused here, before a byte is sent; the server refuses
    // them too (413 from the request's length) for clients without this script.
    function tooLarge() {
      var maxFile = Number(form.dataset.maxFileBytes || 0);
      var maxBatch = Number(form.dataset.maxBatchBytes || 0);
      var problems = [];
      var total = 0;
      form.querySelectorAll("input[type=file]").forEach(function (input) {
        Array.prototype.forEach.call(input.files, function (file) {
          total += file.size;
          if (maxFile && file.size > maxFile) {
            problems.push(form.dataset.fileTooLarge.replace("{name}", file.name));
          }
        });
      });
      if (!problems.length && maxBatch && total > maxBatch) {
        problems.push(form.dataset.batchTooLarge);
      }
      return problems;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var problems = tooLarge();
      if (problems.length) {
        showErrors(status, problems);
        return;
      }
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      request.setRequestHeader("Accept", "application/json");
      request.responseType = "json";
      request.upload.onprogress = function (progressEvent) {
        if (progressEvent.lengthComputable) {
          progress.value = Math.round((progressEvent.loaded * 100) / progressEvent.total);
          progress.textContent = progress.value + " %";
        }
      };
      request.onload = function () {
        var answer = request.response;
        if (request.status === 200 && answer && answer.ok) {
          status.textContent = form.dataset.done;
          window.location.reload();
          return;
        }
        button.disabled = false;
        progress.hidden = true;
        if (answer && answer.errors && answer.errors.length) {
          showErrors(status, answer.errors);
        } else {
          status.textContent = form.dataset.failed;
        }
      };
      request.onerror = function () {
        button.disabled = false;
        progress.hidden = true;
        status.textContent = form.dataset.failed;
      };
      progress.value = 0;
      progress.hidden = false;
      button.disabled = true;
      status.textContent = form.dataset.sending;
      request.send(new FormData(form));
    });
  }

  document.querySelectorAll("form[data-upload]").forEach(enhance);
})();
