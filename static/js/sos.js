// The SOS button (hold 2 s: no pocket presses), kept in the offline queue and sent first; the "are you OK?" prompt
// of a silent patrolling guard; and, on a lead's phone, an open SOS full-screen until acknowledged.
(function () {
  "use strict";

  var HOLD_MS = 2000;
  var POLL_MS = 15000;

  function settings() {
    var node = document.getElementById("rounds-client");
    return node ? JSON.parse(node.textContent) : {};
  }

  function csrf() {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  }

  function position() {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) {
        resolve(null);
        return;
      }
      navigator.geolocation.getCurrentPosition(function (p) {
        resolve({ lat: p.coords.latitude, lng: p.coords.longitude, accuracy_m: p.coords.accuracy });
      }, function () { resolve(null); }, { timeout: 3000, maximumAge: 60000 });
    });
  }

  async function call(box) {
    var state = box.querySelector(".sos-state");
    var config = settings();
    state.textContent = box.dataset.saving;
    var record = await window.RoundsQueue.add({ event: { type: "sos", position: await position() },
      person: config.person, label: "" });
    box.dataset.state = "queued";
    state.textContent = box.dataset.queued;
    await window.RoundsQueue.flush(config).catch(function () { return null; });
    await show(box, record.client_uuid);
  }

  async function show(box, clientUuid) {
    var kept = await window.RoundsQueue.get(clientUuid);
    if (kept && kept.state === "sent") {
      box.dataset.state = "sent";
      box.querySelector(".sos-state").textContent = box.dataset.sent;
    }
  }

  function holdable(box) {
    var button = box.querySelector(".sos-button");
    var timer = null;
    var start = function (event) {
      event.preventDefault();
      if (timer) {
        return;
      }
      box.classList.add("holding");
      timer = setTimeout(function () {
        timer = null;
        box.classList.remove("holding");
        call(box);
      }, HOLD_MS);
    };
    var stop = function () {
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      box.classList.remove("holding");
    };
    button.addEventListener("pointerdown", start);
    ["pointerup", "pointerleave", "pointercancel"].forEach(function (name) { button.addEventListener(name, stop); });
    button.addEventListener("keydown", function (e) { if (e.key === " " || e.key === "Enter") { start(e); } });
    button.addEventListener("keyup", stop);
    button.addEventListener("contextmenu", function (e) { e.preventDefault(); });
    // sent later by the queue (on reconnection): say so
    if (typeof BroadcastChannel === "function") {
      new BroadcastChannel(window.RoundsQueue.CHANNEL).onmessage = async function () {
        var calls = (await window.RoundsQueue.all()).filter(function (r) { return r.kind === "sos"; });
        if (calls.length && box.dataset.state === "queued") {
          await show(box, calls[0].client_uuid);
        }
      };
    }
  }

  async function poll(url, handle) {
    if (!navigator.onLine) {
      return;
    }
    try {
      var response = await fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } });
      if (response.ok) {
        handle(await response.json());
      }
    } catch (e) { /* offline: asked again later */ }
  }

  function prompt(dialog) {
    var check = function () {
      poll(dialog.dataset.now, function (answer) { dialog.hidden = !answer.prompt; });
    };
    dialog.querySelector("button").addEventListener("click", async function () {
      var response = await fetch(dialog.dataset.ok, { method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": csrf(), Accept: "application/json" } }).catch(function () { return null; });
      if (response && response.ok) {
        dialog.hidden = true;
      }
    });
    check();
    setInterval(check, POLL_MS);
  }

  function overlay(box) {
    var check = function () {
      poll(box.dataset.now, function (answer) {
        var first = answer.sos[0];
        box.hidden = !first;
        document.body.classList.toggle("sos-open", Boolean(first));
        if (first) {
          box.querySelector(".sos-who").textContent = first.person;
          box.querySelector(".sos-when").textContent = window.Rounds.clock(first.at); // in the site's zone
          var map = box.querySelector(".sos-map");
          map.hidden = first.lat === undefined || first.lat === null;
          // the phone's position is GPS's (WGS-84); Amap draws GCJ-02 unless told, which puts the marker ~500 m off
          map.href = map.hidden ? "#" : "https://uri.amap.com/marker?position=" + first.lng + "," + first.lat +
            "&coordinate=wgs84&callnative=1&src=rounds";
          var form = box.querySelector("form");
          form.action = box.dataset.ack.replace("0", String(first.site_id));
          form.querySelector("input[name=alert]").value = first.id;
        }
      });
    };
    check();
    setInterval(check, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("sos");
    if (box && window.RoundsQueue) {
      holdable(box);
    }
    var dialog = document.getElementById("are-you-ok");
    if (dialog) {
      prompt(dialog);
    }
    var screen = document.getElementById("sos-screen");
    if (screen) {
      overlay(screen);
    }
  });
})();
