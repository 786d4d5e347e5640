// The service worker of Rounds: the app shell kept on the phone under a versioned cache, pages network-first
// with the offline page as fallback, static files cache-first, and a label opened without signal kept as a scan.
const BUILD = {"version": "dev", "shell": [], "pages": [], "imports": [], "api": {}, "token_pattern": "^$"};
importScripts(...BUILD.imports);

const SHELL = "rounds-shell-" + BUILD.version;
const PAGES = "rounds-pages-" + BUILD.version;
const OFFLINE = "/offline";
const SAVED = "/offline/scan";
const KEPT_PAGES = /^\/(scan|guard|cleaner|lead|incidents\/new|inspections\/new|s\/[A-Za-z0-9_-]+)$/; // the field pages worth keeping
const HOMES = ["/guard", "/cleaner", "/lead", "/scan"]; // what "/" falls back to, in this order
const SAME_LABEL_S = 60; // a label opened twice within a minute is one visit
const ON_ITS_OWN = { "X-Rounds-Background": "1" }; // the server then writes no session cookie (it could be stale)

function own(url) {
  return new Request(url, { cache: "reload", credentials: "same-origin", redirect: "manual", headers: ON_ITS_OWN });
}

// A static file whose address carries the hash of its content (?v=) never changes: the copy the page has just put
// in the HTTP cache is the right one, so the shell takes it from there rather than fetching it a second time.
function shellRequest(url) {
  return /[?&]v=/.test(url) ? new Request(url, { credentials: "same-origin", headers: ON_ITS_OWN }) : own(url);
}

function label(url) {
  const match = new RegExp(BUILD.token_pattern).exec(url.pathname);
  return match && (!url.search || url.search === "?check=1" || url.search === "?readings=1") ? match[1] : null;
}

// A plant room's readings, asked for by its label's token (/s/<token>/readings, where an engineer's scan leads).
const READINGS = /^\/s\/([A-Za-z0-9_-]{8,64})\/readings$/;

// The readings form this phone keeps for the plant room a label stands for (by the scan map: the id, never the token).
async function keptReadingsUrl(token) {
  const place = await RoundsQueue.placeOf(token);
  return place && place.id ? "/plant-rooms/" + place.id + "/readings" : null;
}

async function keptReadings(token) {
  const kept = await keptReadingsUrl(token);
  return kept ? (await caches.open(PAGES)).match(kept) : null;
}

async function readingsPage(request, url, token) {
  let response;
  try {
    response = await fetch(request);
  } catch (e) {
    return (await keptReadings(token)) || cachedPage(url);
  }
  if (response.ok) {
    keptReadingsUrl(token).then((kept) => kept && keepPage(kept)); // the kept form takes today's last meter values
  }
  return response;
}

async function keepPage(url) {
  try {
    const response = await fetch(own(url));
    if (response.ok && response.type === "basic") {
      await (await caches.open(PAGES)).put(url, response);
    }
  } catch (e) {
    // offline, or not signed in: kept the next time the page is opened
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const shell = await caches.open(SHELL);
    await shell.addAll(BUILD.shell.map(shellRequest));
    await Promise.all(BUILD.pages.map(keepPage));
    await self.skipWaiting();
  })());
});

// Caches of other versions go; run again later, since the old worker may still have been writing at activation.
async function forgetOtherVersions() {
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith("rounds-") && n !== SHELL && n !== PAGES).map((n) => caches.delete(n)));
}

self.addEventListener("activate", (event) => {
  event.waitUntil(forgetOtherVersions().then(() => self.clients.claim()));
});

async function cachedPage(url) {
  const pages = await caches.open(PAGES);
  if (url.pathname === "/") {
    for (const home of HOMES) {
      const found = await pages.match(home);
      if (found) {
        return found;
      }
    }
  }
  return (await pages.match(url.pathname + url.search)) || (await caches.match(OFFLINE, { cacheName: SHELL }));
}

async function page(request, url) {
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic" && KEPT_PAGES.test(url.pathname)) {
      const copy = response.clone();
      caches.open(PAGES).then((pages) => pages.put(url.pathname + url.search, copy));
    }
    return response;
  } catch (e) {
    return cachedPage(url);
  }
}

// The phone's camera app opened a label without signal: keep the scan, show that it is kept.
async function offlineLabel(request, url, token) {
  const kept = await (await caches.open(PAGES)).match(url.pathname + url.search);
  if (kept) {
    return kept; // a cleaner's checklist, kept when it was last opened: its form queues offline
  }
  const me = await RoundsQueue.meta("me");
  if (url.search === "?readings=1" || (me && me.role === "engineer")) {
    const readings = await keptReadings(token); // online, the label leads an engineer to the plant room's readings
    if (readings) {
      return readings;
    }
  }
  if (url.search) {
    return cachedPage(url); // ?check=1 asked for a checklist this phone has not kept: no scan instead
  }
  if (!(await RoundsQueue.recentScan(token, SAME_LABEL_S))) {
    const place = await RoundsQueue.placeOf(token); // the queue row names the checkpoint when the map knows it
    await RoundsQueue.add({ event: { type: "scan", token: token, method: "qr" }, person: me || null,
      label: place ? place.name : "", place: place ? place.hash : null });
    if (self.registration.sync) {
      self.registration.sync.register("rounds-sync").catch(() => {});
    }
  }
  return (await caches.match(SAVED, { cacheName: SHELL })) || cachedPage(url);
}

async function labelOrPage(request, url, token) {
  let response;
  try {
    response = await fetch(request);
  } catch (e) {
    return offlineLabel(request, url, token);
  }
  if (response.ok && response.type === "basic") {
    const copy = response.clone(); // a cleaner's checklist (a guard's scan answers with a redirect, never kept)
    caches.open(PAGES).then((pages) => pages.put(url.pathname + url.search, copy));
  }
  return response;
}

async function staticFile(request) {
  const cached = await caches.match(request, { cacheName: SHELL, ignoreSearch: true });
  if (cached) {
    return cached;
  }
  const response = await fetch(request);
  if (response.ok) {
    const copy = response.clone();
    caches.open(SHELL).then((shell) => shell.put(request, copy));
  }
  return response;
}

async function forgetPages() {
  const pages = await caches.open(PAGES);
  await Promise.all((await pages.keys()).map((key) => pages.delete(key)));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method === "POST" && url.pathname === "/logout") {
    // a shared phone: the next person never sees this one's pages, and what is scanned next is not this one's
    event.waitUntil(Promise.all([forgetPages(), RoundsQueue.setMeta("me", null), RoundsQueue.setMeta("scan_map", null)]));
    return;
  }
  if (request.method !== "GET" || url.pathname.startsWith("/api/") || url.pathname === "/sw.js") {
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate") {
    const token = label(url);
    const readings = READINGS.exec(url.pathname);
    event.respondWith(token ? labelOrPage(request, url, token)
      : readings && !url.search ? readingsPage(request, url, readings[1]) : page(request, url));
  }
});

async function sendQueue() {
  const result = await RoundsQueue.flush(BUILD.api);
  if (result.status === "offline" || result.status === "retry") {
    throw new Error("not sent yet: " + result.status); // Background Sync tries again later
  }
}

self.addEventListener("sync", (event) => {
  if (event.tag === "rounds-sync") {
    event.waitUntil(sendQueue());
  }
});

async function refreshOffline(lang) {
  const shell = await caches.open(SHELL);
  const kept = await shell.match(OFFLINE);
  if (kept && kept.headers.get("Content-Language") !== lang) {
    await shell.addAll([OFFLINE, SAVED].map(own)).catch(() => {});
  }
}

async function warm(urls) {
  const pages = await caches.open(PAGES);
  for (const url of urls) {
    if (!(await pages.match(url))) {
      await keepPage(url);
    }
  }
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "page") {
    // a signed-in field person's page (it names pages to keep): their scan map is brought up to date as well
    const map = data.warm && data.warm.length ? RoundsQueue.refreshMap(BUILD.api.scan_map, ON_ITS_OWN) : null;
    event.waitUntil(Promise.all([refreshOffline(data.lang), warm(data.warm || []), forgetOtherVersions(), map]));
  }
});

// Alerts by Web Push (webapp/alerts/channels.py): show the notification; a tap opens the alert's page.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = { title: event.data ? event.data.text() : "" };
  }
  event.waitUntil(self.registration.showNotification(data.title || "Rounds", {
    body: data.body || "", tag: data.tag || undefined, data: { url: data.url || "/" },
    requireInteraction: Boolean(data.urgent), renotify: Boolean(data.urgent),
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  const url = target.origin === self.location.origin ? target.href : self.location.origin + target.pathname + target.hash;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
    const open = windows.find((w) => w.url === url);
    return open ? open.focus() : self.clients.openWindow(url);
  }));
});
