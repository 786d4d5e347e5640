"""Properties of the sync API: a malformed event is refused with a reason and never harms the good events beside it;
a malformed batch is refused whole and writes nothing."""
from __future__ import annotations

import json
import uuid
from datetime import timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests import clock
from tests.field.helpers import Phone
from webapp.extensions import db
from webapp.models import AuditEntry, CleaningCheck, Device, Incident, Scan

BOUNDED = settings(max_examples=50, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                          HealthCheck.data_too_large])
RECORDS = (Scan, CleaningCheck, Incident)

# the phone's own zone: anything from UTC-12 to UTC+14, in quarter hours
zones = st.integers(-48, 56).map(lambda quarters: timezone(timedelta(minutes=15 * quarters)))
ages = st.integers(0, 7 * 24 * 60).map(lambda minutes: timedelta(minutes=minutes))  # queued up to a week offline
notes = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=40)
fresh_uuids = st.builds(lambda: str(uuid.uuid4()))  # new in every example: examples share one database


def _stamp(zone, age) -> str:
    return (clock.now() - timedelta(minutes=1) - age).astimezone(zone).isoformat()


@st.composite
def good_events(draw, world, kinds=("scan", "cleaning_check", "incident")) -> dict:
    """A scan, cleaning check or incident the lead of site A may record at site A."""
    kind = draw(st.sampled_from(kinds))
    event = {"type": kind, "client_uuid": draw(fresh_uuids), "device_time": _stamp(draw(zones), draw(ages))}
    position = draw(st.none() | st.fixed_dictionaries({"lat": st.floats(-90, 90), "lng": st.floats(-180, 180)}))
    if position is not None:
        event["position"] = position
    if kind == "scan":
        event.update(token=world.checkpoint_a.token, method=draw(st.sampled_from(["qr", "nfc", "code"])),
                     note=draw(notes))
    elif kind == "cleaning_check":
        event.update(token=world.checkpoint_a.token, note=draw(notes),
                     results=[{"item_id": item.id, "passed": draw(st.booleans()), "note": draw(notes)}
                              for item in world.checkpoint_a.checklist])
    else:
        event.update(kind=draw(st.sampled_from(["damage", "leak", "fire_safety", "security", "cleanliness", "other"])),
                     severity=draw(st.sampled_from(["low", "medium", "high", "critical"])),
                     description=draw(notes.filter(str.strip)))
        if draw(st.booleans()):
            event["token"] = world.checkpoint_a.token
        else:
            event.update(site_id=world.site_a.id, location_text=draw(notes.filter(str.strip)))
    return event


REQUIRED = {"scan": ["type", "client_uuid", "device_time", "token"],
            "cleaning_check": ["type", "client_uuid", "device_time", "token", "results"],
            "incident": ["type", "client_uuid", "device_time", "kind", "severity", "description"]}
# values no reading of the schema accepts for these fields (pydantic's lax mode turns "1" into 1 and "yes" into True)
WRONG = {"client_uuid": ["not-a-uuid", 5, [], {"a": 1}, None],
         "device_time": ["yesterday", "2026-13-45T00:00:00+08:00", [], {}],
         "token": [17, [], {"t": 1}, ""],
         "type": ["teleport", "", "SCAN", None, 3],
         "note": [[], {}, 4.5, "\ud800"],
         "results": ["all good", [{"item_id": "one", "passed": True}], [1, 2], {}],
         "kind": ["flood", 1, None], "severity": ["apocalyptic", 0],
         "description": ["", 9, None], "position": [{"lat": 200, "lng": 0}, [1, 2], "here", {"lat": "north"}],
         "photo_ids": ["abc", ["not-a-uuid"], [str(uuid.uuid4())] * 6], "method": ["telepathy", 1],
         "site_id": ["A", [1], 1.5]}
TOO_LONG = {"note": 1001, "token": 65, "description": 2001, "location_text": 301}
ONLY = {"wrong_items": {"kinds": ["cleaning_check"]}, "no_place": {"kinds": ["incident"]}}
NESTED = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                      max_leaves=12)


@st.composite
def malformed_events(draw, world, good: list[dict]):
    """A good event broken in one way, or something that is no event at all; with the reason it must get (None: any)."""
    how = draw(st.sampled_from(["missing", "wrong_type", "naive_time", "too_long", "unknown_token", "foreign_token",
                                "wrong_items", "unknown_photo", "extra_field", "not_an_object", "broken_twin",
                                "nul", "future", "no_place"]))
    base = draw(good_events(world, **ONLY.get(how, {})))
    kind = base["type"]
    reason = "invalid_event"
    if how == "missing":
        del base[draw(st.sampled_from(REQUIRED[kind]))]
    elif how == "wrong_type":
        field = draw(st.sampled_from(sorted(set(WRONG) & (set(base) | {"photo_ids", "method", "position"}))))
        if field == "method" and kind != "scan" or field == "site_id" and "site_id" not in base:
            field = "client_uuid"
        base[field] = draw(st.sampled_from(WRONG[field]))
        reason = None  # refused, for whichever rule it breaks first (an empty token leaves an incident without place)
    elif how == "naive_time":
        base["device_time"] = clock.now().replace(tzinfo=None).replace(microsecond=0).isoformat()
    elif how == "too_long":
        field = draw(st.sampled_from(sorted(set(TOO_LONG) & set(base)) or ["note"]))
        base[field] = "长" * draw(st.integers(TOO_LONG[field], TOO_LONG[field] + 3000))
    elif how == "unknown_token":
        base["token"], reason = "nope-" + draw(st.text("abcdef0123456789", min_size=1, max_size=40)), "token_unknown"
    elif how == "foreign_token":
        other = draw(st.sampled_from([world.checkpoint_b, world.checkpoint_c]))  # another team's, another company's
        base["token"], reason = other.token, "token_foreign_site"
        base.pop("site_id", None)
        base.pop("location_text", None)
    elif how == "wrong_items":
        item = world.checkpoint_a.checklist[0].id
        base["results"] = draw(st.sampled_from([[], [{"item_id": item + 1000, "passed": True}],
                                                [{"item_id": item, "passed": True}] * 2]))
        reason = "checklist_mismatch"
    elif how == "unknown_photo":
        if kind == "cleaning_check":
            base["photos"] = [{"id": str(uuid.uuid4()), "stage": draw(st.sampled_from(["before", "after"]))}]
        else:
            base["photo_ids"] = [str(uuid.uuid4())]
        reason = "photo_unknown"
    elif how == "extra_field":
        base[draw(st.sampled_from(["surprise", "Token", "__proto__", "id"]))] = draw(NESTED)
    elif how == "not_an_object":
        return draw(st.sampled_from(["just a string", 42, None, [], ["scan"], 3.5, True])), reason
    elif how == "broken_twin" and good:  # the uuid of a good event of the batch, on an event broken beyond reading
        base.update(client_uuid=draw(st.sampled_from(good))["client_uuid"], device_time="not a time")
    elif how == "nul":
        base["description" if kind == "incident" else "note"] = draw(notes) + "\x00" + draw(notes)
    elif how == "future":  # dated an hour after the batch was sent
        base["device_time"], reason = (clock.now() + timedelta(hours=1)).isoformat(), "event_after_sending"
    elif how == "no_place":
        base.pop("token", None)
        base.update(site_id=world.site_a.id, location_text="   ")
        reason = "incident_without_place"
    else:  # a twin with no good event to copy from: break it the plain way
        base["type"] = "teleport"
    return base, reason


def _sync(phone: Phone, body) -> object:
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return phone.client.post("/api/v1/sync", data=data, content_type="application/json",
                             headers={"X-CSRFToken": phone.token})


def _stored() -> dict[str, int]:
    """How many of each record are stored."""
    counts = {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in (*RECORDS, Device, AuditEntry)}
    db.session.rollback()  # end the read: the next request's writes must be seen by the next count
    return counts


def _uuid_count(client_uuid: str) -> int:
    key = uuid.UUID(client_uuid)
    return sum(db.session.scalar(select(func.count()).select_from(m).where(m.client_uuid == key)) for m in RECORDS)


def _batch(world):
    """Good and malformed events mixed in any order, with what each must become."""
    @st.composite
    def build(draw):
        good = draw(st.lists(good_events(world), min_size=0, max_size=6))
        bad = draw(st.lists(malformed_events(world, good), min_size=0, max_size=6).filter(lambda b: b or good))
        tagged = [(event, "created", None) for event in good] + [(event, "rejected", reason) for event, reason in bad]
        return draw(st.permutations(tagged))
    return build()


def test_a_batch_of_good_and_malformed_events_keeps_every_good_one_once_and_refuses_each_bad_one_with_a_reason(world, app):
    phone = Phone(app, "lead")  # works at site A, may scan, clean and report

    @BOUNDED
    @given(batch=_batch(world))
    def check(batch):
        events = [event for event, _status, _reason in batch]
        body = {"device_id": "phone-props", "sent_at": clock.now().isoformat(), "events": events}
        before = _stored()
        answer = _sync(phone, body)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        results = answer.get_json()["results"]
        assert len(results) == len(events)
        for (event, status, reason), result in zip(batch, results):
            if isinstance(event, dict) and isinstance(event.get("client_uuid"), str):
                assert result["client_uuid"] == event["client_uuid"]  # in order, one answer per event
            assert result["status"] == status, (event, result)
            if status == "rejected":
                assert result["reason"] and result["message"], result
                assert reason is None or result["reason"] == reason, (event, result)
            else:
                assert result["id"] and result["reason"] is None
        good = [event for event, status, _reason in batch if status == "created"]
        assert all(_uuid_count(event["client_uuid"]) == 1 for event in good)
        after = _stored()
        assert sum(after[m.__name__] for m in RECORDS) - sum(before[m.__name__] for m in RECORDS) == len(good)

        again = _sync(phone, {**body, "sent_at": clock.now().isoformat()}).get_json()["results"]
        assert [r["status"] for r in again] == ["duplicate" if s == "created" else "rejected" for _e, s, _r in batch]
        assert sum(_stored()[m.__name__] for m in RECORDS) == sum(after[m.__name__] for m in RECORDS)

    check()


def test_an_exact_resend_of_a_good_event_in_the_same_batch_is_a_duplicate_and_stored_once(world, app):
    phone = Phone(app, "lead")

    @settings(BOUNDED, max_examples=15)
    @given(good=st.lists(good_events(world), min_size=1, max_size=4), repeats=st.integers(1, 3), data=st.data())
    def check(good, repeats, data):
        events = good + [dict(data.draw(st.sampled_from(good))) for _ in range(repeats)]
        answer = _sync(phone, {"device_id": "phone-props", "sent_at": clock.now().isoformat(),
                               "events": events})
        statuses = [r["status"] for r in answer.get_json()["results"]]
        assert statuses == ["created"] * len(good) + ["duplicate"] * repeats
        assert all(_uuid_count(event["client_uuid"]) == 1 for event in good)

    check()


def _envelopes(world):
    one = {"type": "scan", "client_uuid": str(uuid.uuid4()), "token": world.checkpoint_a.token,
           "device_time": clock.now().isoformat()}
    now = clock.now().isoformat()
    ok = {"device_id": "phone-props", "sent_at": now, "events": [one]}
    return st.one_of(
        st.binary(max_size=200).filter(lambda raw: not _is_json_object(raw)),  # not JSON at all, or not an object
        st.sampled_from([b"", b"{", b"[]", b"null", b"42", b'"events"', b"{'device_id': 1}", "\ufeff{}".encode()]),
        NESTED.filter(lambda value: not isinstance(value, dict)).map(json.dumps),
        st.sampled_from([
            {**ok, "events": {"0": one}}, {**ok, "events": "scan"}, {**ok, "events": None}, {**ok, "events": 1},
            {**ok, "events": []}, {**ok, "events": [one] * 501},
            {**ok, "sent_at": clock.now().replace(tzinfo=None).isoformat()}, {**ok, "sent_at": "now"}, {**ok, "sent_at": [2026]},
            {**ok, "sent_at": "4026-01-01T00:00:00+00:00"},
            {k: v for k, v in ok.items() if k != "sent_at"}, {k: v for k, v in ok.items() if k != "device_id"},
            {k: v for k, v in ok.items() if k != "events"},
            {**ok, "device_id": ""}, {**ok, "device_id": "d" * 65}, {**ok, "device_id": 7}, {**ok, "device_id": "a\x00"},
            {**ok, "extra": {"nested": [1, {"x": None}]}},
        ]).map(json.dumps),
    )


def _is_json_object(raw: bytes) -> bool:
    try:
        return isinstance(json.loads(raw), dict)
    except ValueError:
        return False


def test_a_malformed_batch_is_a_400_with_a_reason_and_writes_nothing(world, app):
    phone = Phone(app, "lead")

    @BOUNDED
    @given(body=_envelopes(world))
    def check(body):
        before = _stored()
        answer = _sync(phone, body)
        assert answer.status_code == 400, (body[:200], answer.get_data(as_text=True)[:300])
        problem = answer.get_json()
        assert problem["error"] == "invalid_batch" and problem["message"].strip()
        assert _stored() == before

    check()
