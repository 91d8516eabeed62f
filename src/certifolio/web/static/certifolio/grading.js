/* The grading grid's autosave: htmx posts each criterion (and each competency comment)
 * as it is typed; this script keeps what the server does not have yet in localStorage,
 * says so in #save-status, and sends it again until the server has it (after a network
 * error, when the browser comes back online, and when the page is opened again). A save
 * refused because the item changed elsewhere (409) is shown, never overwritten: the
 * juror keeps his version or takes the saved one.
 *
 * No inline script: the Content-Security-Policy forbids it. */
(function () {
  "use strict";
  var grid = document.getElementById("grading-grid");
  var status = document.getElementById("save-status");
  if (!grid || !status || !window.htmx) {
    return;
  }
  var prefix = "certifolio:grading:" + grid.dataset.oral + ":";
  var retryDelays = {};
  var online = navigator.onLine !== false;

  function items() {
    return grid.querySelectorAll("fieldset[data-criterion], fieldset[data-competency]");
  }
  function keyOf(item) {
    return item.dataset.criterion || item.dataset.competency;
  }
  function revisionInput(item) {
    return document.getElementById("revision-" + keyOf(item));
  }
  function valuesOf(item) {
    var key = keyOf(item);
    var values = {};
    var checked = item.querySelector('input[name="level-' + key + '"]:checked');
    if (item.dataset.criterion) {
      values.level = checked ? checked.value : "";
    }
    var comment = document.getElementById("comment-" + key);
    values.comment = comment ? comment.value : "";
    return values;
  }
  function setValues(item, values) {
    var key = keyOf(item);
    if ("level" in values) {
      item.querySelectorAll('input[name="level-' + key + '"]').forEach(function (radio) {
        radio.checked = radio.value === values.level;
      });
    }
    var comment = document.getElementById("comment-" + key);
    if (comment) {
      comment.value = values.comment;
    }
  }
  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }
  function stored(item) {
    try {
      return JSON.parse(localStorage.getItem(prefix + keyOf(item)) || "null");
    } catch (error) {
      return null;
    }
  }
  function remember(item) {
    var input = revisionInput(item);
    try {
      localStorage.setItem(
        prefix + keyOf(item),
        JSON.stringify({ values: valuesOf(item), revision: input ? input.value : "" })
      );
    } catch (error) {
      /* Storage full or refused: the page still shows the item as not saved. */
    }
  }
  function forget(item) {
    localStorage.removeItem(prefix + keyOf(item));
  }

  function setState(item, state, message) {
    item.dataset.state = state;
    var line = document.getElementById("status-" + keyOf(item));
    if (line && message !== undefined) {
      line.textContent = message;
    }
    summarise();
  }
  function summarise() {
    var counts = { pending: 0, conflict: 0, refused: 0, saving: 0 };
    items().forEach(function (item) {
      if (item.dataset.state in counts) {
        counts[item.dataset.state] += 1;
      }
    });
    var text = status.dataset.saved;
    if (counts.conflict) {
      text = status.dataset.conflict + " (" + counts.conflict + ")";
    } else if (counts.refused) {
      text = status.dataset.refused + " (" + counts.refused + ")";
    } else if (counts.pending) {
      text = (online ? status.dataset.pending : status.dataset.offline) + " (" + counts.pending + ")";
    } else if (counts.saving) {
      text = status.dataset.saving;
    }
    status.textContent = text;
    status.dataset.state = counts.conflict
      ? "conflict"
      : counts.refused
        ? "refused"
        : counts.pending
          ? "pending"
          : counts.saving
            ? "saving"
            : "saved";
  }

  function scheduleRetry(item) {
    var key = keyOf(item);
    var delay = Math.min((retryDelays[key] || 1000) * 2, 30000);
    retryDelays[key] = delay;
    window.setTimeout(function () {
      if (item.dataset.state === "pending") {
        htmx.trigger(item, "retry");
      }
    }, delay);
  }
  function retryAll() {
    items().forEach(function (item) {
      if (item.dataset.state === "pending") {
        retryDelays[keyOf(item)] = 0;
        htmx.trigger(item, "retry");
      }
    });
  }

  function itemOf(event) {
    var elt = event.detail && event.detail.elt;
    return elt && elt.matches && elt.matches("fieldset[data-criterion], fieldset[data-competency]")
      ? elt
      : null;
  }

  // Typed: kept in the browser before anything is sent.
  grid.addEventListener("input", function (event) {
    var item = event.target.closest("fieldset[data-criterion], fieldset[data-competency]");
    if (item && item.dataset.state !== "conflict") {
      remember(item);
      setState(item, "pending");
    }
  });

  document.body.addEventListener("htmx:configRequest", function (event) {
    var item = itemOf(event);
    if (!item) {
      return;
    }
    if (item.dataset.state === "conflict") {
      event.preventDefault();
      return;
    }
    item.dataset.sent = JSON.stringify(valuesOf(item));
    remember(item);
    setState(item, "saving");
  });

  // 409 and 422 carry a message to show in the item's line.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (itemOf(event) && (event.detail.xhr.status === 409 || event.detail.xhr.status === 422)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var item = itemOf(event);
    if (!item) {
      return;
    }
    var xhr = event.detail.xhr;
    var code = xhr ? xhr.status : 0;
    if (code >= 200 && code < 300) {
      var revision = xhr.getResponseHeader("X-Revision");
      var input = revisionInput(item);
      if (revision && input) {
        input.value = revision;
      }
      retryDelays[keyOf(item)] = 0;
      if (same(JSON.parse(item.dataset.sent || "null"), valuesOf(item))) {
        forget(item);
        setState(item, "saved");
      } else {
        // Typed on while the save was on its way: the next save is queued.
        remember(item);
        setState(item, "pending");
      }
    } else if (code === 409) {
      offerChoice(item, xhr.getResponseHeader("X-Current-Revision"));
      setState(item, "conflict");
    } else if (code === 422 || code === 404 || code === 403) {
      setState(item, "refused");
    } else {
      // Network error, timeout, a server down or restarting: kept, sent again.
      setState(item, "pending");
      scheduleRetry(item);
    }
  });

  document.body.addEventListener("htmx:sendError", function (event) {
    var item = itemOf(event);
    if (item) {
      online = navigator.onLine !== false;
      setState(item, "pending");
      scheduleRetry(item);
    }
  });

  function offerChoice(item, current) {
    var line = document.getElementById("status-" + keyOf(item));
    if (!line || line.querySelector("button")) {
      return;
    }
    var keep = document.createElement("button");
    keep.type = "button";
    keep.textContent = grid.dataset.keep;
    keep.addEventListener("click", function () {
      // Saved over the version saved elsewhere, knowingly: from its revision.
      var input = revisionInput(item);
      if (input) {
        input.value = current || "";
      }
      item.dataset.state = "pending";
      remember(item);
      htmx.trigger(item, "retry");
    });
    var take = document.createElement("button");
    take.type = "button";
    take.textContent = grid.dataset.take;
    take.addEventListener("click", function () {
      forget(item);
      window.location.reload();
    });
    line.appendChild(document.createTextNode(" "));
    line.appendChild(keep);
    line.appendChild(document.createTextNode(" "));
    line.appendChild(take);
  }

  window.addEventListener("online", function () {
    online = true;
    summarise();
    retryAll();
  });
  window.addEventListener("offline", function () {
    online = false;
    summarise();
  });

  // Opened again with entries the server never got: restored and sent, from the
  // revision they were typed on (a change made elsewhere meanwhile answers 409).
  items().forEach(function (item) {
    var entry = stored(item);
    if (!entry) {
      return;
    }
    if (same(entry.values, valuesOf(item))) {
      forget(item);
      return;
    }
    setValues(item, entry.values);
    var input = revisionInput(item);
    if (input) {
      input.value = entry.revision;
    }
    setState(item, "pending");
  });
  summarise();
  // After htmx has set the grid up (it does so on DOMContentLoaded too, registered first).
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      window.setTimeout(retryAll, 0);
    });
  } else {
    window.setTimeout(retryAll, 0);
  }
})();
