// Equipment readings after scanning a plant room's label (设备抄表): each value judged as it is typed (out of the normal
// range: a note and a photo; a meter lower than its last reading or jumping: a confirmation), then every reading kept in
// the offline queue as its own event and sent through the one sync API, with signal or later.
(function () {
  "use strict";

  var form = document.querySelector("form[data-readings]");
  var Rounds = window.Rounds;
  if (!form || !Rounds || !window.RoundsQueue) {
    return;
  }

  function number(text) {
    var cleaned = String(text || "").trim().replace(/[\uff10-\uff19]/g, function (d) {
      return String.fromCharCode(d.charCodeAt(0) - 0xfee0);
    }).replace("\uff0e", ".").replace(",", ".");
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(cleaned)) {
      return null;
    }
    var value = Number(cleaned);
    return isFinite(value) ? value : null;
  }

  // The label this form was opened from: the page's own when served online, else the address the camera app opened
  // (/s/<token>, or /s/<token>/readings) while the service worker showed the form kept on this phone.
  function labelToken() {
    if (form.dataset.token) {
      return form.dataset.token;
    }
    var match = /^\/s\/([A-Za-z0-9_-]{8,64})(\/readings)?\/?$/.exec(window.location.pathname);
    return match ? match[1] : "";
  }

  function bound(text) {
    return text === "" ? null : Number(text);
  }

  function valueOf(box) {
    var id = box.dataset.reading;
    if (box.dataset.kind === "choice") {
      var picked = box.querySelector("input[name='value-" + id + "']:checked");
      return picked ? picked.value : "";
    }
    return String(form.elements["value-" + id].value || "").trim();
  }

  // {abnormal, below, jump, bad} for what is typed in one box
  function judge(box) {
    var raw = valueOf(box);
    if (!raw) {
      return { empty: true };
    }
    if (box.dataset.kind === "choice") {
      return { abnormal: raw === "fault" };
    }
    if (box.dataset.kind === "text") {
      return {};
    }
    var value = number(raw);
    if (value === null) {
      return { bad: true };
    }
    var low = bound(box.dataset.low);
    var high = bound(box.dataset.high);
    var last = bound(box.dataset.last);
    var jump = bound(box.dataset.jump);
    var meter = box.dataset.meter === "1" && last !== null;
    return {
      value: value,
      abnormal: (low !== null && value < low) || (high !== null && value > high),
      below: meter && value < last,
      jump: meter && jump !== null && value - last > jump,
    };
  }

  function show(box) {
    var verdict = judge(box);
    box.classList.toggle("out-of-range", !!verdict.abnormal);
    box.dataset.state = verdict.abnormal ? "abnormal" : (verdict.below || verdict.jump) ? "questioned" : "normal";
    box.querySelector("[data-abnormal]").hidden = !verdict.abnormal;
    var question = box.querySelector("[data-question]");
    question.hidden = !(verdict.below || verdict.jump);
    var text = question.querySelector("[data-question-text]");
    text.textContent = verdict.below ? text.dataset.below : verdict.jump ? text.dataset.jump : "";
    return verdict;
  }

  function fail(message) {
    var box = form.querySelector("[data-readings-error]");
    if (!box) {
      box = document.createElement("p");
      box.className = "alert";
      box.setAttribute("role", "alert");
      box.dataset.readingsError = "";
      form.prepend(box);
    }
    box.textContent = message;
    box.scrollIntoView({ block: "center" });
    return null;
  }

  form.addEventListener("input", function (event) {
    var box = event.target.closest("[data-reading]");
    if (box) {
      show(box);
    }
  });
  form.addEventListener("change", function (event) {
    var box = event.target.closest("[data-reading]");
    if (box) {
      show(box);
    }
  });

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    var button = form.querySelector("[type=submit]");
    button.disabled = true;
    try {
      var token = labelToken();
      if (!token) {
        return fail(form.dataset.errorLabel);
      }
      var time = window.RoundsQueue.deviceTime();
      var entries = [];
      var boxes = Array.prototype.slice.call(form.querySelectorAll("[data-reading]"));
      for (var i = 0; i < boxes.length; i++) {
        var box = boxes[i];
        var id = box.dataset.reading;
        var verdict = show(box);
        if (verdict.empty) {
          continue;
        }
        if (verdict.bad) {
          return fail(form.dataset.errorNumber);
        }
        var note = String(form.elements["note-" + id].value || "").trim().slice(0, 1000);
        var files = form.elements["photo-" + id].files;
        if (verdict.abnormal && (!note || !files.length)) {
          return fail(form.dataset.errorEvidence);
        }
        var confirmed = form.elements["confirm-" + id].checked;
        if ((verdict.below || verdict.jump) && !confirmed) {
          return fail(form.dataset.errorConfirm);
        }
        var photos = verdict.abnormal ? [{ client_uuid: window.RoundsQueue.uuid(), blob: files[0], name: "reading.jpg",
          token: token, device_time: time }] : [];
        entries.push({
          label: form.dataset.label + " · " + box.querySelector("legend").textContent,
          photos: photos,
          event: { type: "reading", token: token, item_id: Number(id), value: valueOf(box), device_time: time,
            note: verdict.abnormal ? note : "", confirmed: confirmed,
            photo_ids: photos.map(function (p) { return p.client_uuid; }) },
        });
      }
      if (!entries.length) {
        return fail(form.dataset.errorEmpty);
      }
      for (var j = 0; j < entries.length; j++) {
        await Rounds.record(entries[j]);
      }
      Rounds.keptHere(form, { readingsSaved: String(entries.length) });
    } finally {
      button.disabled = false;
    }
  });
}());
