// Set-up pages: show a refused form (422, errors beside the fields) instead of dropping it, and say so when a request fails.
(function () {
  "use strict";

  function statusBox() {
    return document.getElementById("setup-status");
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true; // the answer is the same fragment, with the errors beside the fields
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var box = statusBox();
    if (box) {
      box.hidden = true;
    }
    if (event.detail.xhr && event.detail.xhr.status === 422) {
      var invalid = document.querySelector("[aria-invalid=true]");
      if (invalid) {
        invalid.focus(); // the first field to fix
      }
    }
  });

  function failed() {
    var box = statusBox();
    if (box) {
      box.textContent = box.dataset.failed;
      box.hidden = false;
    }
  }

  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
})();
