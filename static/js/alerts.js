// "Get alerts on this phone": subscribe to Web Push with the server's VAPID key and hand the subscription over.
(function () {
  "use strict";

  function key(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); });
  }

  async function subscribe(button, state) {
    if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
      state.textContent = button.dataset.unsupported || "—";
      return;
    }
    if ((await Notification.requestPermission()) !== "granted") {
      state.textContent = button.dataset.denied || "—";
      return;
    }
    var registration = await navigator.serviceWorker.ready;
    var subscription = await registration.pushManager.getSubscription() ||
      await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(button.dataset.key) });
    var csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
    var response = await fetch(button.dataset.url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(subscription.toJSON()),
    });
    state.textContent = response.ok ? button.dataset.done : button.dataset.failed;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("push-on");
    var state = document.getElementById("push-state");
    if (button && state) {
      button.addEventListener("click", function () { subscribe(button, state).catch(function () { state.textContent = button.dataset.failed; }); });
    }
  });
})();
