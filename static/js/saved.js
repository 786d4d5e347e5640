// The page the service worker shows for a label opened without signal: the time the scan was kept on the phone.
(function () {
  "use strict";

  var box = document.querySelector("[data-saved-scan]");
  var Rounds = window.Rounds;
  if (!box || !Rounds) {
    return;
  }
  var token = window.RoundsQueue.tokenOf(location.href, Rounds.config.token_pattern);
  window.RoundsQueue.all().then(function (records) {
    var scan = records.find(function (r) { return r.kind === "scan" && r.event.token === token; });
    if (scan) {
      box.querySelector("[data-saved-time]").textContent = Rounds.say("scanned_at", { time: Rounds.clock(scan.created_at, true) });
      box.dataset.clientUuid = scan.client_uuid;
    }
  });
})();
