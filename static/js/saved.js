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
      return showPlace(scan, token);
    }
  });

  // The checkpoint and the round's progress, from the scan map kept on the phone (when it knows the label).
  async function showPlace(scan, token) {
    var place = await window.RoundsQueue.placeOf(token);
    if (!place) {
      return;
    }
    offerReadings(place, token);
    var name = box.querySelector("[data-saved-place]");
    name.textContent = "✓ " + place.name;
    name.hidden = false;
    var progress = await window.RoundsQueue.progressOf(place, scan.created_at);
    var line = box.querySelector("[data-saved-progress]");
    line.textContent = progress ? Rounds.say("round_progress", { done: progress.visited, total: progress.total }) +
      (progress.next ? " · " + Rounds.config.words.next + ": " + progress.next.name : "") : Rounds.config.words.no_round;
    line.hidden = false;
  }

  // A plant room on a combined round: the readings form this phone keeps for it, as online after a scan.
  async function offerReadings(place, token) {
    if (!place.id || !window.caches || !(await caches.match("/plant-rooms/" + place.id + "/readings"))) {
      return;
    }
    var link = document.querySelector("[data-saved-readings]");
    link.href = "/s/" + encodeURIComponent(token) + "?readings=1";
    link.hidden = false;
  }
})();
