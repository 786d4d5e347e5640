// A scan's confirmation as this phone can tell it without signal, from its scan map (queue.js): the same cards
// as the label page's (templates/field/_scan_confirmation.html), which replace it once the server has the scan.
(function () {
  "use strict";

  var Rounds = window.Rounds;
  if (!Rounds) {
    return;
  }
  var words = Rounds.config.words;

  function node(tag, className, text) {
    var element = document.createElement(tag);
    if (className) {
      element.className = className;
    }
    if (text !== undefined) {
      element.textContent = text;
    }
    return element;
  }

  function timeIn(zone, value, withDate) {
    var options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone || Rounds.config.zone || undefined };
    if (withDate) {
      Object.assign(options, { year: "numeric", month: "2-digit", day: "2-digit" });
    }
    return new Intl.DateTimeFormat(Rounds.config.lang, options).format(new Date(value));
  }

  function progressCard(progress) {
    var card = node("section", "card");
    card.dataset.roundProgress = "";
    if (!progress) {
      card.append(node("p", "muted", words.no_round));
      return card;
    }
    card.append(node("h2", "", progress.route_name),
      node("p", "big", Rounds.say("round_progress", { done: progress.visited, total: progress.total })));
    var bar = node("progress", "", progress.visited + "/" + progress.total);
    bar.max = progress.total;
    bar.value = progress.visited;
    card.append(bar);
    if (!progress.next) {
      card.append(node("p", "big ok", words.round_complete));
      return card;
    }
    var next = node("p", "", words.next + ": ");
    next.append(node("strong", "", progress.next.name));
    if (progress.next.walk_minutes) {
      next.append(" ", node("span", "muted", "(" + Rounds.say("walk", { minutes: Number(progress.next.walk_minutes).toFixed(1) }) + ")"));
    }
    card.append(next, node("p", "muted", Rounds.say("finish_by", { time: timeIn(progress.timezone, progress.late_after) })));
    return card;
  }

  // Show a scan kept on this phone: {record, place (or null: a label not on the map), progress (or null)}.
  function render(box, scan) {
    var place = scan.place;
    var card = node("section", "card confirmed");
    card.setAttribute("role", "status");
    card.dataset.localScan = scan.record.client_uuid;
    if (place) {
      card.append(node("p", "eyebrow", place.site_name), node("h1", "", "✓ " + place.name),
        node("p", "big", timeIn(place.timezone, scan.record.created_at, true)),
        node("p", "muted", words.code_label + " " + place.code + (scan.record.person_name ? " · " + scan.record.person_name : "")));
    } else {
      card.append(node("h1", "", "✓ " + words.scan), node("p", "big", timeIn(null, scan.record.created_at, true)),
        node("p", "muted", words.unknown_label));
    }
    var state = node("p", "pending-note", words.saved_here);
    state.dataset.localState = "";
    state.hidden = navigator.onLine !== false;
    card.append(state);
    box.replaceChildren.apply(box, place ? [card, progressCard(scan.progress)] : [card]);
  }

  // The server refused the scan: say why, in place of the confirmation.
  function refused(box, message) {
    var card = node("section", "card refused");
    card.setAttribute("role", "alert");
    card.append(node("h1", "", "✗ " + Rounds.say("rejected", { reason: message || "" })));
    box.replaceChildren(card);
  }

  window.RoundsConfirmation = { render: render, refused: refused };
})();
