// Every page: installs the service worker, keeps the offline queue moving, and shows what waits on the phone.
(function () {
  "use strict";

  var configNode = document.getElementById("rounds-client");
  if (!configNode || !window.RoundsQueue) {
    return;
  }
  var config = JSON.parse(configNode.textContent);
  var words = config.words;
  var Queue = window.RoundsQueue;
  var touched = false; // a form on this page was changed: never reload it under the person's fingers
  var retryDelay = 0;
  var retryTimer = null;

  function say(key, values) {
    var text = words[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  }

  function clock(value, withDate) {
    var options = { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", // 24 hours, as on site
      timeZone: config.zone || undefined }; // the site's clock, not the phone's (a phone may be set to any zone)
    if (withDate) {
      Object.assign(options, { year: "numeric", month: "2-digit", day: "2-digit" });
    }
    return new Intl.DateTimeFormat(config.lang, options).format(new Date(value));
  }

  function signInUrl() {
    return config.login + "?next=" + encodeURIComponent(location.pathname + location.search);
  }

  // ---- what waits on the phone -------------------------------------------------------------------------

  function mineOrUnowned(record) {
    return !config.person || record.person_id === null || record.person_id === config.person.id;
  }

  function stateText(record) {
    if (record.state === "sent") {
      return words.sent;
    }
    if (record.state === "rejected") {
      return say("rejected", { reason: record.message || record.reason || "" });
    }
    if (!mineOrUnowned(record)) {
      return say("other_person", { name: record.person_name });
    }
    return words.pending;
  }

  function recordItem(record) {
    var item = document.createElement("li");
    item.className = "row queue-item state-" + record.state;
    item.dataset.clientUuid = record.client_uuid;
    item.dataset.state = record.state;
    var what = document.createElement("span");
    var method = record.kind === "scan" ? " · " + (words[record.event.method] || record.event.method) : "";
    what.textContent = (words[record.kind] || record.kind) + method + (record.label ? " · " + record.label : "") +
      " · " + clock(record.created_at);
    var state = document.createElement("span");
    state.className = "queue-state";
    state.textContent = stateText(record);
    item.append(what, state);
    if (record.state === "sent" && record.kind === "scan" && record.server_id) {
      var link = document.createElement("a");
      link.href = "/scans/" + record.server_id;
      link.textContent = words.details;
      item.append(link);
    }
    if (record.state === "rejected") {
      var dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "link-button";
      dismiss.dataset.dismiss = record.client_uuid;
      dismiss.textContent = words.dismiss;
      item.append(dismiss);
    }
    return item;
  }

  async function render() {
    var records = await Queue.all();
    var waiting = records.filter(function (r) { return r.state === "pending"; }).length;
    var text = say("pending_count", { count: waiting });
    document.querySelectorAll("[data-pending-box]").forEach(function (box) {
      box.hidden = waiting === 0;
    });
    document.querySelectorAll("[data-pending-text]").forEach(function (node) { node.textContent = text; });
    document.querySelectorAll("[data-queue-summary]").forEach(function (node) {
      node.textContent = waiting ? text : words.all_sent;
      node.dataset.pending = String(waiting);
    });
    var last = await Queue.meta("last_sync");
    document.querySelectorAll("[data-last-sync]").forEach(function (node) {
      node.textContent = last ? say("last_sync", { time: clock(last, true) }) : words.never_synced;
    });
    document.querySelectorAll("[data-offline-note]").forEach(function (node) { node.hidden = navigator.onLine !== false; });
    var expired = (await Queue.meta("auth")) === "expired" && waiting > 0;
    document.querySelectorAll("[data-signin]").forEach(function (node) { node.hidden = !expired; });
    document.querySelectorAll("[data-signin-link]").forEach(function (link) { link.href = signInUrl(); });
    document.querySelectorAll("[data-queue-list]").forEach(function (list) {
      list.replaceChildren.apply(list, records.map(recordItem));
    });
  }

  // ---- sending -------------------------------------------------------------------------------------------

  function retryLater() {
    retryDelay = Math.min(retryDelay ? retryDelay * 2 : 5000, 300000); // 5 s, 10 s, ... at most 5 minutes
    clearTimeout(retryTimer);
    retryTimer = setTimeout(send, retryDelay);
  }

  async function send() {
    clearTimeout(retryTimer);
    var result;
    try {
      result = await Queue.flush(config);
    } catch (error) {
      result = { status: "retry" };
    }
    if (result.status === "offline" || result.status === "retry") {
      retryLater();
    } else if (result.status !== "busy") {
      retryDelay = 0;
    }
    await render();
    document.body.dataset.lastSend = result.status; // what the last try answered: ok, idle, offline, retry, signin, busy
    return result;
  }

  function askForBackgroundSync() {
    if (!("serviceWorker" in navigator)) {
      return;
    }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) {
        return registration.sync.register("rounds-sync");
      }
    }).catch(function () { /* Background Sync refused: the page's own retries remain */ });
  }

  // Keep a record on the phone, then try to send it at once.
  async function record(entry) {
    var stored = await Queue.add(Object.assign({ person: config.person }, entry));
    await render();
    askForBackgroundSync();
    send();
    return stored;
  }

  // ---- the service worker and new versions -------------------------------------------------------------

  function showUpdate() {
    if (document.querySelector("[data-update-banner]")) {
      return;
    }
    var banner = document.createElement("p");
    banner.className = "flash flash-ok update-banner";
    banner.dataset.updateBanner = "";
    banner.setAttribute("role", "status");
    banner.textContent = words.update_ready + " ";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = words.reload;
    button.addEventListener("click", function () { location.reload(); });
    banner.append(button);
    (document.querySelector("main") || document.body).prepend(banner);
  }

  function installWorker() {
    if (!("serviceWorker" in navigator)) {
      return;
    }
    var hadController = Boolean(navigator.serviceWorker.controller);
    var reloaded = false;
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      if (!hadController || reloaded) {
        hadController = true; // the first install: this page is already current
        return;
      }
      if (touched) {
        showUpdate();
      } else {
        reloaded = true;
        location.reload();
      }
    });
    navigator.serviceWorker.register(config.sw, { scope: "/", updateViaCache: "none" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(async function (registration) {
      if (registration.active) {
        registration.active.postMessage({ type: "page", lang: config.lang, warm: config.person ? config.warm : [] });
      }
      // this page came from the server with the deployed version: a worker of another version updates now
      if ((await caches.keys()).indexOf("rounds-shell-" + config.version) < 0 && navigator.onLine !== false) {
        await registration.update();
      }
    }).catch(function () { /* no service worker (e.g. a private window): the pages still work online */ });
  }

  // ---- events --------------------------------------------------------------------------------------------

  document.addEventListener("input", function (event) {
    if (event.target.closest && event.target.closest("form")) {
      touched = true;
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-dismiss]");
    if (button) {
      Queue.dismiss(button.dataset.dismiss).then(render);
    }
  });

  window.addEventListener("online", send);
  window.addEventListener("offline", function () { render(); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      send();
    }
  });
  if (typeof BroadcastChannel === "function") {
    new BroadcastChannel(Queue.CHANNEL).onmessage = function () { render(); };
  }

  // A form whose records are kept on this phone gives way to a card that says so, with the next steps (scan on, or
  // back to the person's page); `marks` are data attributes the card carries for the page's scripts and the tests.
  function keptHere(form, marks) {
    var card = document.createElement("section");
    card.className = "card confirmed saved-offline";
    card.setAttribute("role", "status");
    Object.keys(marks || {}).forEach(function (name) { card.dataset[name] = marks[name]; });
    var heading = document.createElement("h1");
    heading.textContent = "✓ " + config.words.saved_here;
    var links = document.createElement("p");
    links.className = "actions";
    [[config.scan_page, config.words.scan, "button primary big-button"], [config.home, config.words.back_home, "button"]]
      .forEach(function (spec) {
        var link = document.createElement("a");
        link.href = spec[0];
        link.textContent = spec[1];
        link.className = spec[2];
        links.append(link);
      });
    card.append(heading, links);
    form.replaceWith(card);
    window.scrollTo(0, 0);
    return card;
  }

  window.Rounds = { config: config, say: say, clock: clock, record: record, send: send, render: render,
    keptHere: keptHere, markTouched: function () { touched = true; } };

  (async function start() {
    if (config.person) {
      await Queue.setMeta("me", config.person);
      if ((await Queue.meta("auth")) === "expired") {
        await Queue.setMeta("auth", "ok"); // this page was served to a signed-in person
      }
    }
    installWorker();
    await render();
    if (config.person) {
      send();
    }
  })();
})();
