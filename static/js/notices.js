// A new rectification notice: while the issuer has not typed a deadline, choosing a severity sets its default
// deadline (限期整改: critical 4 h, high 24 h, medium 3 days, low 7 days), given by the page in the site's time.
(function () {
  "use strict";

  var deadline = document.querySelector("input[name=deadline][data-defaults]");
  if (!deadline) {
    return;
  }
  var defaults = JSON.parse(deadline.dataset.defaults || "{}");
  var typed = false;
  deadline.addEventListener("input", function () { typed = true; });
  document.querySelectorAll("input[name=severity]").forEach(function (choice) {
    choice.addEventListener("change", function () {
      if (!typed && choice.checked && defaults[choice.value]) {
        deadline.value = defaults[choice.value];
      }
    });
  });
})();
