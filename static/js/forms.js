// The cleaning check, the problem report and the inspection without signal: the form is kept in the offline queue (photos
// scaled down first) instead of being lost. With signal the form is posted as it always was.
(function () {
  "use strict";

  var form = document.querySelector("form[data-offline-form]");
  var Rounds = window.Rounds;
  if (!form || !Rounds) {
    return;
  }
  var LONG_SIDE = 1600;
  var PROBE_MS = 4000;

  async function reachable() {
    if (navigator.onLine === false) {
      return false;
    }
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, PROBE_MS);
    try {
      var answer = await fetch(Rounds.config.health, { cache: "no-store", signal: abort.signal });
      return answer.ok;
    } catch (e) {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  // A photo scaled to at most 1600 px on its long side, as JPEG (the original when the browser cannot read it).
  async function downscale(file) {
    try {
      var bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
      var scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      var blob = await new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.85); });
      return blob || file;
    } catch (e) {
      return file;
    }
  }

  async function photos(input, place, time) {
    var files = input ? Array.prototype.slice.call(input.files) : [];
    var out = [];
    for (var i = 0; i < files.length; i++) {
      out.push(Object.assign({ client_uuid: window.RoundsQueue.uuid(), blob: await downscale(files[i]),
        name: "photo-" + (i + 1) + ".jpg", device_time: time }, place));
    }
    return out;
  }

  function value(name) {
    var field = form.elements[name];
    return field ? String(field.value || "").trim() : "";
  }

  function fail(message) {
    var box = form.querySelector("[data-offline-error]");
    if (!box) {
      box = document.createElement("p");
      box.className = "alert";
      box.setAttribute("role", "alert");
      box.dataset.offlineError = "";
      form.prepend(box);
    }
    box.textContent = message;
    box.scrollIntoView({ block: "center" });
    return null;
  }

  async function cleaningCheck(time) {
    var token = form.dataset.token;
    var before = await photos(form.elements.before, { token: token }, time);
    var after = await photos(form.elements.after, { token: token }, time);
    if (form.dataset.photoRequired === "1" && !(before.length && after.length)) {
      return fail(form.dataset.errorPhotos);
    }
    var results = Array.prototype.map.call(form.querySelectorAll("[data-item]"), function (item) {
      var id = item.dataset.item;
      return { item_id: Number(id), passed: value("item-" + id) !== "fail", note: value("note-" + id).slice(0, 500) };
    });
    return {
      label: form.dataset.label,
      photos: before.concat(after),
      event: { type: "cleaning_check", token: token, note: value("note").slice(0, 1000), results: results,
        photos: before.map(function (p) { return { id: p.client_uuid, stage: "before" }; })
          .concat(after.map(function (p) { return { id: p.client_uuid, stage: "after" }; })) },
    };
  }

  async function incident(time) {
    var kind = value("kind");
    var severity = value("severity");
    var description = value("description");
    if (!kind) {
      return fail(form.dataset.errorKind);
    }
    if (!severity) {
      return fail(form.dataset.errorSeverity);
    }
    if (!description) {
      return fail(form.dataset.errorDescription);
    }
    // without signal the checkpoint goes in words: its token is not given to the phone
    var select = form.elements.checkpoint_id;
    var place = select && select.value ? JSON.parse(select.dataset.places)[select.value] : null; // [site id, name]
    var typed = value("location_text");
    var where = [place ? place[1] : "", typed].filter(Boolean).join(" · ").slice(0, 300);
    var site = place ? place[0] : (value("site_id") || form.dataset.site);
    if (!where) {
      return fail(form.dataset.errorPlace);
    }
    if (!site) {
      return fail(form.dataset.errorSite);
    }
    var kept = await photos(form.elements.photos, { site_id: Number(site) }, time);
    return {
      label: description.slice(0, 40),
      photos: kept,
      event: { type: "incident", kind: kind, severity: severity, description: description.slice(0, 2000),
        location_text: where, site_id: Number(site), photo_ids: kept.map(function (p) { return p.client_uuid; }) },
    };
  }

  // An inspection: every item marked, a failed one explained by a note or a photo, signed. Photos are sent with
  // the site's id (phones are never given checkpoint tokens); the signature is the pad's PNG data URL.
  async function inspection(time) {
    var site = Number(form.dataset.site);
    var fails = form.dataset.fails;
    var items = Array.prototype.slice.call(form.querySelectorAll("[data-inspection-item]"));
    var answers = [];
    var photosOf = [];
    for (var i = 0; i < items.length; i++) {
      var id = items[i].dataset.inspectionItem;
      var picked = items[i].querySelector("input[name='item-" + id + "']:checked");
      if (!picked) {
        return fail(form.dataset.errorMark);
      }
      var note = value("note-" + id).slice(0, 500);
      var kept = picked.value === fails ? await photos(form.elements["photos-" + id], { site_id: site }, time) : [];
      if (picked.value === fails && !note && !kept.length) {
        return fail(form.dataset.errorUnexplained);
      }
      photosOf = photosOf.concat(kept);
      answers.push({ item_id: Number(id), value: markOf(picked.value), note: note, photo_ids: kept.map(function (p) { return p.client_uuid; }) });
    }
    var signature = value("signature");
    if (!signature) {
      return fail(form.dataset.errorSignature);
    }
    var event = { type: "inspection", site_id: site, template_id: Number(form.dataset.template), answers: answers,
      note: value("note").slice(0, 2000), signature: signature };
    if (form.dataset.area) {
      event.area_id = Number(form.dataset.area);
    }
    [["countersign_shift", "countersign_shift_id"], ["countersign_handover", "countersign_handover_id"]].forEach(function (pair) {
      var box = form.elements[pair[0]];
      if (box && box.checked) {
        event[pair[1]] = Number(box.value);
      }
    });
    return { label: form.dataset.label, photos: photosOf, event: event };
  }

  function markOf(choice) { // deduction: pass 1 / fail 0; scale: 5, 3, 1; not applicable: null
    return choice === "na" ? null : choice === "pass" ? 1 : choice === "fail" ? 0 : Number(choice);
  }

  var BUILDERS = { incident: incident, cleaning_check: cleaningCheck, inspection: inspection };

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    var button = form.querySelector("[type=submit]");
    button.disabled = true;
    try {
      if (await reachable()) {
        form.submit(); // the server's own flow, unchanged
        return;
      }
      var time = window.RoundsQueue.deviceTime();
      var entry = await (BUILDERS[form.dataset.offlineForm] || cleaningCheck)(time);
      if (entry) {
        entry.event.device_time = time;
        await Rounds.record(entry);
        Rounds.keptHere(form, { savedOffline: "" });
      }
    } finally {
      button.disabled = false;
    }
  });
})();
