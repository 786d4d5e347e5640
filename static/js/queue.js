// The offline queue: every field record is written to IndexedDB first, then sent through the sync API.
// Loaded by the pages (after vendor/idb.umd.js) and imported by the service worker: one copy of the rules.
(function (root) {
  "use strict";

  var DB_NAME = "rounds";
  var BATCH = 100; // events per sync request (the API takes up to 500)
  var KEEP_SENT = 50; // records on the server still listed on the phone
  var CHANNEL = "rounds-queue";
  var dbPromise = null;

  function db() {
    if (!dbPromise) {
      dbPromise = root.idb.openDB(DB_NAME, 1, {
        upgrade: function (d) {
          d.createObjectStore("records", { keyPath: "client_uuid" }).createIndex("state", "state");
          d.createObjectStore("meta");
        },
      });
    }
    return dbPromise;
  }

  function pad(n, width) {
    return String(Math.abs(n)).padStart(width || 2, "0");
  }

  // An ISO 8601 time with the phone's own UTC offset (the API refuses a time without one).
  function deviceTime(date) {
    var d = date || new Date();
    var offset = -d.getTimezoneOffset();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" +
      pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + "." + pad(d.getMilliseconds(), 3) +
      (offset >= 0 ? "+" : "-") + pad(Math.floor(Math.abs(offset) / 60)) + ":" + pad(Math.abs(offset) % 60);
  }

  function uuid() {
    return root.crypto.randomUUID();
  }

  // The token of a checkpoint label's address: <any origin>/s/<token>, by the rule the server renders.
  function tokenOf(text, pattern) {
    var url;
    try {
      url = new URL(String(text).trim());
    } catch (e) {
      return null;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      return null;
    }
    var match = new RegExp(pattern).exec(url.pathname);
    return match ? match[1] : null;
  }

  async function meta(key) {
    return (await db()).get("meta", key);
  }

  async function setMeta(key, value) {
    await (await db()).put("meta", value, key);
  }

  // This phone's own id, made once and kept in IndexedDB (and localStorage, where there is one).
  async function deviceId() {
    var id = await meta("device_id");
    var local = root.localStorage ? root.localStorage.getItem("rounds-device") : null;
    if (!id) {
      id = local || "pwa-" + uuid().replace(/-/g, "");
      await setMeta("device_id", id);
    }
    if (root.localStorage && local !== id) {
      root.localStorage.setItem("rounds-device", id);
    }
    return id;
  }

  function announce(what) {
    if (typeof root.BroadcastChannel === "function") {
      var channel = new root.BroadcastChannel(CHANNEL);
      channel.postMessage(what || { type: "changed" });
      channel.close();
    }
  }

  // Keep a record on the phone: {kind, event (without client_uuid/device_time if new), photos, person, label}.
  async function add(record) {
    var event = Object.assign({ client_uuid: uuid(), device_time: deviceTime() }, record.event);
    var stored = {
      client_uuid: event.client_uuid,
      kind: event.type,
      event: event,
      photos: (record.photos || []).map(function (p) {
        return { client_uuid: p.client_uuid, blob: p.blob, name: p.name || "photo.jpg", token: p.token || null,
          site_id: p.site_id || null, device_time: p.device_time || event.device_time, state: "pending" };
      }),
      person_id: record.person ? record.person.id : null,
      person_name: record.person ? record.person.name : "",
      label: record.label || "",
      place: record.place || null, // a scan: the hash of its label on the scan map (never the token), when known
      state: "pending",
      created_at: Date.now(),
      message: null,
      server_id: null,
    };
    await (await db()).put("records", stored);
    announce();
    return stored;
  }

  async function all() {
    var records = await (await db()).getAll("records");
    return records.sort(function (a, b) { return b.created_at - a.created_at; });
  }

  async function pending() {
    return (await db()).getAllFromIndex("records", "state", "pending");
  }

  // The newest scan of this token kept within `seconds`: a label opened twice is one visit.
  async function recentScan(token, seconds) {
    var since = Date.now() - seconds * 1000;
    var records = await all();
    return records.find(function (r) {
      return r.kind === "scan" && r.event.token === token && r.created_at >= since;
    }) || null;
  }

  async function get(clientUuid) {
    return (await db()).get("records", clientUuid);
  }

  // ---- the scan map: confirm and count scans without signal (kept by /scan, hashes of labels only) -------

  async function tokenHash(salt, token) {
    var digest = await root.crypto.subtle.digest("SHA-256", new TextEncoder().encode(salt + token));
    return Array.prototype.map.call(new Uint8Array(digest), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  // Fetch the person's scan map and keep it (the scan page and the service worker call this whenever there is signal).
  async function refreshMap(url, headers) {
    if (root.navigator && root.navigator.onLine === false) {
      return;
    }
    try {
      var response = await root.fetch(url, { credentials: "same-origin", cache: "no-store", redirect: "manual",
        headers: Object.assign({ Accept: "application/json" }, headers || {}) });
      if (response.ok && response.type === "basic") {
        await setMeta("scan_map", await response.json());
      }
    } catch (e) { /* no signal after all: the map kept last time stays */ }
  }

  // The checkpoint a label's token stands for on this phone's map: {site_id, hash, id, name, code, site_name} or null.
  async function placeOf(token) {
    var map = await meta("scan_map");
    var sites = (map && map.sites) || [];
    for (var i = 0; i < sites.length; i++) {
      var hash = await tokenHash(sites[i].salt, token);
      var checkpoint = sites[i].checkpoints[hash];
      if (checkpoint) {
        return { site_id: sites[i].site_id, site_name: sites[i].name, timezone: sites[i].timezone, hash: hash,
          id: checkpoint.id, name: checkpoint.name, code: checkpoint.code };
      }
    }
    return null;
  }

  // The round a scan of `place` made at `at` (ms) counts for, by the rule the server applies (a stop of the route
  // visited within [opens_at, late_after]): what the map knew visited, plus the scans kept on this phone.
  async function progressOf(place, at) {
    var map = await meta("scan_map");
    var site = ((map && map.sites) || []).find(function (s) { return s.site_id === place.site_id; });
    if (!site) {
      return null;
    }
    var round = site.rounds.find(function (r) {
      var route = site.routes[String(r.route)];
      return route && Date.parse(r.opens_at) <= at && at <= Date.parse(r.late_after) &&
        route.stops.some(function (stop) { return stop.hash === place.hash; });
    });
    if (!round) {
      return null;
    }
    var route = site.routes[String(round.route)];
    var wanted = new Set(route.stops.map(function (stop) { return stop.hash; }));
    var visited = new Set(round.visited.filter(function (h) { return wanted.has(h); }));
    var opens = Date.parse(round.opens_at);
    var closes = Date.parse(round.late_after);
    (await all()).forEach(function (r) {
      if (r.kind === "scan" && r.place && r.state !== "rejected" && wanted.has(r.place) && r.created_at >= opens &&
          r.created_at <= closes) {
        visited.add(r.place);
      }
    });
    visited.add(place.hash);
    var next = route.stops.find(function (stop) { return !visited.has(stop.hash); });
    return { route_name: route.name, visited: visited.size, total: route.stops.length, late_after: round.late_after,
      timezone: site.timezone,
      next: next ? { name: site.checkpoints[next.hash].name, walk_minutes: next.walk_minutes } : null };
  }

  async function dismiss(clientUuid) {
    var d = await db();
    var record = await d.get("records", clientUuid);
    if (record && record.state === "rejected") {
      await d.delete("records", clientUuid);
      announce();
    }
  }

  async function save(record) {
    await (await db()).put("records", record);
  }

  async function prune() {
    var sent = (await all()).filter(function (r) { return r.state === "sent"; });
    var d = await db();
    for (var i = KEEP_SENT; i < sent.length; i++) {
      await d.delete("records", sent[i].client_uuid);
    }
  }

  function Stop(status) {
    this.status = status;
  }

  async function request(url, options) {
    var response;
    try {
      response = await root.fetch(url, Object.assign({ credentials: "same-origin", cache: "no-store" }, options));
    } catch (e) {
      throw new Stop("offline");
    }
    if (response.status === 401) {
      await setMeta("auth", "expired");
      throw new Stop("signin");
    }
    if (response.status >= 500 || response.status === 429) {
      throw new Stop("retry");
    }
    return response;
  }

  async function whoAmI(urls) {
    var me = await (await request(urls.me, { headers: { Accept: "application/json" } })).json();
    await setMeta("auth", "ok");
    await setMeta("me", { id: me.id, name: me.name, role: me.role });
    return me;
  }

  async function sendPhoto(urls, me, device, record, photo) {
    var body = new FormData();
    body.append("file", photo.blob, photo.name);
    body.append("client_uuid", photo.client_uuid);
    body.append("device_id", device);
    if (photo.token) {
      body.append("token", photo.token);
    } else if (photo.site_id) {
      body.append("site_id", String(photo.site_id));
    }
    body.append("device_time", photo.device_time);
    body.append("sent_at", deviceTime());
    var response = await request(urls.photos, { method: "POST", body: body, headers: { "X-CSRFToken": me.csrf_token } });
    if (response.ok) {
      photo.state = "sent";
      photo.blob = null; // the server keeps it now
      return true;
    }
    var answer = await response.json().catch(function () { return {}; });
    if (answer.error === "csrf") {
      throw new Stop("csrf");
    }
    record.state = "rejected";
    record.reason = answer.error || String(response.status);
    record.message = answer.message || String(response.status);
    return false;
  }

  // What stays queued on this phone after a batch: how many, and the oldest capture time (so the server knows
  // whether the phone may still hold older records before it calls a checkpoint missed for good).
  function queueAfter(waiting, records) {
    var rest = waiting.filter(function (r) { return r.state === "pending" && records.indexOf(r) < 0; });
    var oldest = null;
    rest.forEach(function (r) {
      var t = r.event && r.event.device_time;
      if (t && (oldest === null || Date.parse(t) < Date.parse(oldest))) {
        oldest = t;
      }
    });
    if (!rest.length) {
      return { waiting: 0 };
    }
    return oldest === null ? { waiting: rest.length } : { waiting: rest.length, oldest_waiting: oldest };
  }

  async function sendEvents(urls, me, device, records, queue) {
    var body = JSON.stringify({ device_id: device, sent_at: deviceTime(), events: records.map(function (r) { return r.event; }),
      queue: queue });
    var response = await request(urls.sync, {
      method: "POST", body: body,
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": me.csrf_token },
    });
    var answer = await response.json().catch(function () { return {}; });
    if (!response.ok) {
      if (answer.error === "csrf") {
        throw new Stop("csrf");
      }
      records.forEach(function (r) {
        r.state = "rejected";
        r.reason = answer.error || String(response.status);
        r.message = answer.message || String(response.status);
      });
      return;
    }
    var byId = {};
    (answer.results || []).forEach(function (result) { byId[result.client_uuid] = result; });
    records.forEach(function (r) {
      var result = byId[r.client_uuid];
      if (!result) {
        return; // not answered: stays queued
      }
      if (result.status === "rejected") {
        r.state = "rejected";
        r.reason = result.reason;
        r.message = result.message || result.reason;
      } else {
        r.state = "sent";
        r.server_status = result.status;
        r.server_id = result.id || r.server_id;
        r.sent_at = Date.now();
      }
    });
  }

  // An SOS goes alone to its own address, before anything else waiting (webapp/alerts/views.py).
  async function sendSos(urls, me, device, record) {
    var body = JSON.stringify(Object.assign({}, record.event, { device_id: device, sent_at: deviceTime() }));
    var response = await request(urls.sos, {
      method: "POST", body: body,
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": me.csrf_token },
    });
    var answer = await response.json().catch(function () { return {}; });
    if (response.ok) {
      record.state = "sent";
      record.server_status = answer.status;
      record.server_id = answer.id || record.server_id;
      record.sent_at = Date.now();
    } else if (answer.error === "csrf") {
      throw new Stop("csrf");
    } else {
      record.state = "rejected";
      record.reason = answer.error || String(response.status);
      record.message = answer.message || String(response.status);
    }
  }

  async function sendAll(urls) {
    var waiting = await pending();
    if (!waiting.length) {
      return { status: "idle" };
    }
    var me = await whoAmI(urls);
    var device = await deviceId();
    var mine = waiting.filter(function (r) { return r.person_id === null || r.person_id === me.id; })
      .sort(function (a, b) { return a.created_at - b.created_at; });
    var calls = urls.sos ? mine.filter(function (r) { return r.kind === "sos" && r.state === "pending"; }) : [];
    for (var c = 0; c < calls.length; c++) { // an SOS first, before photos and records
      await sendSos(urls, me, device, calls[c]);
      await save(calls[c]);
      announce();
    }
    for (var i = 0; i < mine.length; i++) {
      var record = mine[i];
      for (var j = 0; j < record.photos.length && record.state === "pending"; j++) {
        if (record.photos[j].state !== "sent") {
          await sendPhoto(urls, me, device, record, record.photos[j]);
          await save(record);
        }
      }
    }
    var ready = mine.filter(function (r) { return r.state === "pending" && r.kind !== "sos"; });
    for (var k = 0; k < ready.length; k += BATCH) {
      var batch = ready.slice(k, k + BATCH);
      await sendEvents(urls, me, device, batch, queueAfter(waiting, batch));
      for (var n = 0; n < batch.length; n++) {
        await save(batch[n]);
      }
      await setMeta("last_sync", new Date().toISOString());
    }
    await prune();
    return { status: "ok", waiting: waiting.length - mine.length };
  }

  // Send what waits: photos first, then the events; answer {status: idle|ok|offline|signin|retry|busy}.
  async function flush(urls) {
    var run = async function () {
      for (var attempt = 0; attempt < 2; attempt++) {
        try {
          return await sendAll(urls);
        } catch (stop) {
          if (!(stop instanceof Stop)) {
            throw stop;
          }
          if (stop.status !== "csrf") {
            return { status: stop.status };
          }
        } finally {
          announce();
        }
      }
      return { status: "retry" };
    };
    var locks = root.navigator && root.navigator.locks;
    if (locks && locks.request) {
      return locks.request("rounds-sync", { ifAvailable: true }, function (lock) {
        return lock ? run() : { status: "busy" };
      });
    }
    return run();
  }

  root.RoundsQueue = {
    CHANNEL: CHANNEL, deviceTime: deviceTime, uuid: uuid, tokenOf: tokenOf, meta: meta, setMeta: setMeta,
    deviceId: deviceId, add: add, all: all, pending: pending, recentScan: recentScan, dismiss: dismiss, flush: flush,
    get: get, tokenHash: tokenHash, refreshMap: refreshMap, placeOf: placeOf, progressOf: progressOf,
  };
})(self);
