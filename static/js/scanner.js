// The scan page: the rear camera decodes QR labels continuously (BarcodeDetector, else jsQR in a worker) until
// paused, NFC tags where Web NFC exists; every scan goes to the offline queue and is confirmed at once from the
// phone's scan map (checkpoint, round progress, next stop), then by the server's own confirmation once it has it.
// The typed code stays the fallback.
(function () {
  "use strict";

  var root = document.querySelector("[data-scanner]");
  if (!root || !window.Rounds) {
    return;
  }
  var Rounds = window.Rounds;
  var Queue = window.RoundsQueue;
  var words = Rounds.config.words;
  var pattern = Rounds.config.token_pattern;
  var SAME_LABEL_MS = 20000; // a label seen again this soon (still in view, or waved past twice): one visit
  var EVERY_MS = 150;

  var video = root.querySelector("[data-video]");
  var viewfinder = root.querySelector("[data-viewfinder]");
  var flash = root.querySelector("[data-flash]");
  var status = root.querySelector("[data-scan-status]");
  var startButton = root.querySelector("[data-camera-start]");
  var stopButton = root.querySelector("[data-camera-stop]");
  var torchButton = root.querySelector("[data-torch]");
  var nfcButton = root.querySelector("[data-nfc-read]");
  var confirmation = document.querySelector("[data-scan-confirmation]");

  var stream = null;
  var timer = null;
  var detector = null;
  var worker = null;
  var busy = false;
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var seen = {}; // token -> when it was last recorded here
  var shown = null; // the client id of the scan whose confirmation is on the page

  function show(text, kind) {
    status.textContent = text;
    status.dataset.kind = kind || "";
  }

  function signal() {
    if (navigator.vibrate) {
      navigator.vibrate(150);
    }
    flash.classList.remove("on");
    void flash.offsetWidth; // restart the animation
    flash.classList.add("on");
  }

  // A decoded text: a label's address records a scan; anything else is said to be no label.
  async function found(text, method) {
    var token = Queue.tokenOf(text, pattern);
    if (!token) {
      show(method === "nfc" ? words.nfc_not_a_label : words.not_a_label, "error");
      return;
    }
    var now = Date.now();
    if (now - (seen[token] || 0) < SAME_LABEL_MS) {
      return;
    }
    seen[token] = now;
    signal();
    if (Rounds.config.person && Rounds.config.person.role === "cleaner") {
      stop();
      location.assign("/s/" + encodeURIComponent(token)); // a cleaner's label opens its checklist, as from the camera app
      return;
    }
    var place = await Queue.placeOf(token);
    var stored = await Rounds.record({ event: { type: "scan", token: token, method: method },
      label: place ? place.name : "", place: place ? place.hash : null });
    show(Rounds.say("scan_saved", { time: Rounds.clock(stored.created_at) }), "ok");
    var progress = place ? await Queue.progressOf(place, stored.created_at) : null;
    shown = stored.client_uuid; // from here on, the server's answer for this scan may replace what is shown
    window.RoundsConfirmation.render(confirmation, { record: stored, place: place, progress: progress });
    serverAnswer();
  }

  // Once the server has the scan shown, its own confirmation (the label page's) replaces the phone's.
  async function serverAnswer() {
    var id = shown;
    var record = id && await Queue.get(id);
    if (!record || record.state === "pending" || confirmation.dataset.answered === id) {
      document.querySelectorAll("[data-local-state]").forEach(function (n) { n.hidden = navigator.onLine !== false; });
      return;
    }
    confirmation.dataset.answered = id;
    if (record.state === "rejected") {
      window.RoundsConfirmation.refused(confirmation, record.message || record.reason);
      return;
    }
    try {
      var response = await fetch("/scans/" + record.server_id, { credentials: "same-origin", headers: { "HX-Request": "true" } });
      if (response.ok && shown === id) {
        confirmation.innerHTML = await response.text(); // server-rendered and escaped: the label page's own cards
      }
    } catch (e) { /* the signal went again: the phone's confirmation stays */ }
  }

  function refreshMap() {
    return Queue.refreshMap(root.dataset.map);
  }

  // ---- decoding ------------------------------------------------------------------------------------------

  async function makeDetector() {
    if (!("BarcodeDetector" in window)) {
      return null;
    }
    try {
      var formats = await window.BarcodeDetector.getSupportedFormats();
      return formats.indexOf("qr_code") >= 0 ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
    } catch (e) {
      return null;
    }
  }

  function makeWorker() {
    var decoder = new Worker(root.dataset.worker);
    decoder.onmessage = function (event) {
      busy = false;
      if (event.data && event.data.text) {
        found(event.data.text, "qr");
      }
    };
    decoder.onerror = function () { busy = false; };
    return decoder;
  }

  function frame() {
    var scale = Math.min(1, 800 / Math.max(video.videoWidth, video.videoHeight)); // enough pixels for a label
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    return context.getImageData(0, 0, canvas.width, canvas.height);
  }

  async function tick() {
    if (busy || !stream || video.readyState < 2 || !video.videoWidth) {
      return;
    }
    busy = true;
    if (detector) {
      try {
        var codes = await detector.detect(video);
        if (codes.length) {
          found(codes[0].rawValue, "qr");
        }
      } catch (e) { /* a frame the detector could not read */ }
      busy = false;
      return;
    }
    var image = frame();
    worker.postMessage({ data: image.data.buffer, width: image.width, height: image.height }, [image.data.buffer]);
  }

  // ---- the camera ----------------------------------------------------------------------------------------

  function torchTrack() {
    var track = stream && stream.getVideoTracks()[0];
    var capabilities = track && track.getCapabilities ? track.getCapabilities() : {};
    return capabilities.torch ? track : null;
  }

  async function start() {
    show(words.looking, "");
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false, video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
      });
    } catch (e) {
      show(words.camera_failed, "error");
      return;
    }
    detector = detector || await makeDetector();
    worker = detector ? null : (worker || makeWorker());
    video.srcObject = stream;
    viewfinder.hidden = false;
    startButton.hidden = true;
    stopButton.hidden = false;
    torchButton.hidden = !torchTrack();
    await video.play().catch(function () {});
    busy = false;
    timer = setInterval(tick, EVERY_MS);
  }

  function stop() {
    clearInterval(timer);
    timer = null;
    if (stream) {
      stream.getTracks().forEach(function (t) { t.stop(); });
    }
    stream = null;
    video.srcObject = null;
    viewfinder.hidden = true;
    startButton.hidden = false;
    startButton.textContent = words.resume; // one tap goes on scanning
    stopButton.hidden = true;
    torchButton.hidden = true;
    torchButton.setAttribute("aria-pressed", "false");
  }

  async function toggleTorch() {
    var track = torchTrack();
    if (!track) {
      return;
    }
    var on = torchButton.getAttribute("aria-pressed") !== "true";
    try {
      await track.applyConstraints({ advanced: [{ torch: on }] });
      torchButton.setAttribute("aria-pressed", String(on));
    } catch (e) { /* this camera has no torch after all */ }
  }

  // ---- NFC (Chrome on Android) ---------------------------------------------------------------------------

  function recordText(record) {
    if (record.recordType !== "url" && record.recordType !== "absolute-url" && record.recordType !== "text") {
      return null;
    }
    return new TextDecoder(record.encoding || "utf-8").decode(record.data);
  }

  async function readNfc() {
    try {
      var reader = new window.NDEFReader();
      await reader.scan();
      show(words.nfc_hold, "");
      reader.onreading = function (event) {
        var texts = event.message.records.map(recordText).filter(Boolean);
        var label = texts.find(function (t) { return Queue.tokenOf(t, pattern); });
        found(label || texts[0] || "", "nfc");
      };
      reader.onreadingerror = function () { show(words.nfc_not_a_label, "error"); };
    } catch (e) {
      show(words.nfc_failed, "error");
    }
  }

  function nfcWriter() {
    var box = document.querySelector("[data-nfc-writer]");
    if (!box) {
      return;
    }
    box.hidden = false;
    var select = box.querySelector("[data-nfc-target]");
    var out = box.querySelector("[data-nfc-write-status]");
    box.querySelector("[data-nfc-write]").addEventListener("click", async function () {
      var option = select.options[select.selectedIndex];
      out.textContent = words.nfc_write_hold;
      try {
        await new window.NDEFReader().write({ records: [{ recordType: "url", data: option.value }] });
        out.textContent = Rounds.say("nfc_written", { name: option.textContent });
      } catch (e) {
        out.textContent = words.nfc_write_failed;
      }
    });
  }

  // ---- the typed code without signal ---------------------------------------------------------------------

  var codeForm = document.querySelector("[data-code-form]");
  if (codeForm) {
    codeForm.addEventListener("submit", function (event) {
      if (navigator.onLine === false) {
        event.preventDefault(); // the code is checked by the server; offline the QR or the NFC tag must do
        var note = codeForm.querySelector("[data-code-offline]");
        note.textContent = words.code_offline;
        note.hidden = false;
      }
    });
  }

  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    startButton.hidden = false;
    startButton.addEventListener("click", start);
    stopButton.addEventListener("click", stop);
    torchButton.addEventListener("click", toggleTorch);
  } else {
    show(words.no_camera, "");
  }
  if ("NDEFReader" in window) {
    nfcButton.hidden = false;
    nfcButton.addEventListener("click", readNfc);
    nfcWriter();
  }
  if (typeof BroadcastChannel === "function") {
    new BroadcastChannel(Queue.CHANNEL).onmessage = serverAnswer; // the queue was sent (or refused)
  }
  window.addEventListener("online", refreshMap);
  refreshMap();
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && stream) {
      stop(); // the camera is never left running behind a locked screen
    }
  });
  window.RoundsScanner = { found: found, stop: stop };
})();
