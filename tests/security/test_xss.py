"""Stored text is always escaped: XSS payloads sent through every form and the API come back as harmless text.

Each piece of text carries its own tag (e.g. "SITE") in front of the payload, so a page is asked for the very
text it must show, escaped, and never for the payload's live markup.
"""
from __future__ import annotations

import io
import re
import uuid
from datetime import timedelta

import pypdfium2
from sqlalchemy import select

from tests.conftest import PASSWORD, csrf_from, sign_in, tiny_jpeg
from tests.field.helpers import Phone
from tests.handover.test_lifecycle import signature
from webapp.extensions import db
from webapp.models import Area, Checkpoint, Handover, Incident, PatrolPlan, Person, Role, Route, RouteStop, Scan, ShiftTemplate

PAYLOAD = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>{{7*7}} javascript:alert(1)"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"  # then &#34;&gt;&lt;img ... (or \&#34; inside the audit log's JSON)
LIVE = re.compile(r"<script>alert|<img src=x onerror|\b(href|src|action|formaction)\s*=\s*[\"']?\s*javascript:", re.I)


def bad(tag: str) -> str:
    """The payload, tagged."""
    return f"{tag}{PAYLOAD}"


def assert_safe(html: str, where: str, *tags: str) -> None:
    """No live payload anywhere; each tagged text there, escaped, and never evaluated as a template."""
    live = LIVE.search(html)
    assert live is None, f"{where}: live markup {live.group(0)!r} near {html[max(0, live.start() - 80):live.end() + 80]!r}"
    for tag in tags:
        assert f"{tag}{ESCAPED}" in html, f"{where}: {tag} is not shown escaped"
    assert "{{7*7}}" in html or not tags, f"{where}: the text was evaluated as a template"


def _client(app, login: str):
    client = app.test_client()
    assert sign_in(client, login).status_code == 302, login
    return client


def _post(client, path: str, data: dict, page: str = "/", **kwargs):
    token = csrf_from(client.get(page, follow_redirects=True).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


def _html(client, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, f"{path}: HTTP {answer.status_code}"
    return answer.get_data(as_text=True)


def test_set_up_names_are_escaped_on_every_page_that_shows_them(world, app):
    admin, manager = _client(app, "admin"), _client(app, "manager")
    a = world.site_a.id
    base = f"/sites/{a}/setup"
    assert _post(admin, base, {"name": bad("SITE"), "code": "A", "timezone": "Asia/Shanghai"}).status_code == 303
    assert _post(admin, "/setup/sites", {"name": bad("NEWSITE"), "code": "N", "timezone": "Asia/Shanghai"}).status_code == 303
    assert _post(manager, f"{base}/areas", {"name": bad("AREA"), "kind": "gate"}).status_code == 303
    area = db.session.scalar(select(Area).where(Area.name == bad("AREA")))
    assert _post(manager, f"{base}/checkpoints", {"name": bad("CP"), "code": "X1", "purpose": "both",
                                                  "area_id": str(area.id)}).status_code == 303
    cp = db.session.scalar(select(Checkpoint).where(Checkpoint.code == "X1"))
    assert _post(manager, f"{base}/checkpoints/{cp.id}/checklist", {"op": "add", "text": bad("ITEM")}).status_code == 303
    assert _post(manager, f"{base}/routes", {"name": bad("ROUTE"), "active": "y"}).status_code == 303
    route = db.session.scalar(select(Route).where(Route.name == bad("ROUTE")))
    assert _post(manager, f"{base}/routes/{route.id}/stops", {"op": "add", "checkpoint_id": str(cp.id)}).status_code == 303
    assert _post(manager, f"{base}/shifts", {"name": bad("SHIFT"), "start_local": "08:00", "end_local": "20:00",
                                             "patrol": "y", "active": "y"}).status_code == 303
    template = db.session.scalar(select(ShiftTemplate).where(ShiftTemplate.name == bad("SHIFT")))
    assert _post(manager, f"{base}/plans/patrol/new", {
        "name": bad("PLAN"), "route_id": str(route.id), "shift_template_id": str(template.id), "interval_minutes": "120",
        "times_local": "", "window_minutes": "30", "grace_minutes": "15", "active": "y"}).status_code == 303
    assert _post(manager, "/setup/people", {"name": bad("PERSON"), "login": "xss-person", "role": "guard",
                                            "language": "zh", "site_ids": [str(a)], "password": "Long-enough-9"}
                 ).status_code == 303
    person = db.session.scalar(select(Person).where(Person.login == "xss-person"))
    plan = db.session.scalar(select(PatrolPlan).where(PatrolPlan.name == bad("PLAN")))

    pages = {
        "/sites/": ("SITE",), f"/sites/{a}": ("SITE", "CP"), "/setup/": ("SITE",),
        base: ("SITE", "AREA"), f"{base}/areas/{area.id}": ("AREA",), f"{base}/checkpoints": ("CP", "AREA"),
        f"{base}/checkpoints/{cp.id}": ("CP", "ITEM"), f"{base}/routes": ("ROUTE",), f"{base}/routes/{route.id}": ("ROUTE", "CP"),
        f"{base}/plans": ("PLAN",), f"{base}/plans/patrol/{plan.id}": ("PLAN",), f"{base}/shifts": ("SHIFT",),
        f"{base}/roster": ("SHIFT",), f"{base}/roster/{template.id}/2026-11-30": ("PERSON",), "/setup/people": ("PERSON", "SITE"), f"/setup/people/{person.id}": ("PERSON",),
        f"/sites/{a}/labels": ("CP",), f"/sites/{a}/board": (),
    }
    for path, tags in pages.items():
        assert_safe(_html(manager, path), f"manager {path}", *tags)
    assert_safe(_html(admin, "/setup/"), "admin /setup/", "SITE", "NEWSITE")
    assert_safe(_html(admin, "/admin/audit"), "audit log", "PERSON")  # the audit detail holds the names as text
    for login, path in (("guard", "/guard"), ("cleaner", "/cleaner"), ("lead", "/lead"), ("guard", "/incidents/new")):
        assert_safe(_html(_client(app, login), path), f"{login} {path}")
    assert_safe(_html(_client(app, "cleaner"), f"/s/{cp.token}"), "the checklist", "CP", "ITEM")

    listing = manager.get(f"/api/v1/sites/{a}/checkpoints").get_json()
    assert bad("CP") in [c["name"] for c in listing["checkpoints"]]
    newcomer = app.test_client()
    assert sign_in(newcomer, "xss-person", "Long-enough-9").status_code == 302
    me = newcomer.get("/api/v1/me")
    assert me.get_json()["name"] == bad("PERSON") and me.mimetype == "application/json"
    assert me.headers["X-Content-Type-Options"] == "nosniff"  # plain text in JSON, never read as HTML


def _night(world, app):
    """Site A's night shift of 24 Nov: a two-stop route every two hours, only the first stop walked."""
    from datetime import date

    pump = world.checkpoint(world.site_a, "A02", "A 水泵房")
    world.person("lead2", Role.LEAD, [world.site_a])
    shift = world.night_shift(date(2026, 11, 24), staff=("guard", "cleaner"))
    route = db.session.scalar(select(Route).where(Route.site_id == world.site_a.id))
    route.stops.append(RouteStop(checkpoint_id=pump.id, position=1, min_walk_minutes=2))
    db.session.add(PatrolPlan(site_id=world.site_a.id, route_id=route.id, shift_template_id=shift.template_id,
                              name="夜巡", interval_minutes=120, window_minutes=30))
    db.session.commit()
    return shift


def test_field_texts_from_the_pages_and_the_api_are_escaped(world, app):
    shift = _night(world, app)
    during = shift.starts_at + timedelta(hours=1)
    app.config["ROUNDS_NOW"] = during
    guard = _client(app, "guard")
    html = _html(guard, "/incidents/new")
    submission = re.search(r'name="submission" value="([^"]+)"', html).group(1)
    answer = guard.post("/incidents/new", data={
        "csrf_token": csrf_from(html), "submission": submission, "kind": "leak", "severity": "high",
        "description": bad("INCIDENT"), "location_text": bad("PLACE"), "site_id": str(world.site_a.id)},
        content_type="multipart/form-data")
    assert answer.status_code == 302

    phone, cleaner = Phone(app, "guard"), Phone(app, "cleaner")
    at = during.isoformat()
    scan = {"type": "scan", "client_uuid": str(uuid.uuid4()), "token": world.checkpoint_a.token, "device_time": at,
            "note": bad("SCANNOTE")}
    incident = {"type": "incident", "client_uuid": str(uuid.uuid4()), "device_time": at, "kind": "security",
                "severity": "low", "description": bad("APIINCIDENT"), "location_text": bad("APIPLACE"),
                "site_id": world.site_a.id}
    body = phone.sync([scan, incident], sent_at=during)
    assert [r["status"] for r in body.get_json()["results"]] == ["created", "created"], body.get_json()
    item = world.checkpoint_a.checklist[0]
    check = {"type": "cleaning_check", "client_uuid": str(uuid.uuid4()), "token": world.checkpoint_a.token,
             "device_time": at, "note": bad("CHECKNOTE"),
             "results": [{"item_id": item.id, "passed": False, "note": bad("ITEMNOTE")}]}
    answer = cleaner.sync([check], sent_at=during)
    assert answer.get_json()["results"][0]["status"] == "created", answer.get_json()
    refused = phone.sync([dict(scan, client_uuid=str(uuid.uuid4()), token=bad("TOKEN"))], sent_at=during)
    result = refused.get_json()["results"][0]  # a refusal names what was sent as plain JSON text, if at all
    assert result["status"] == "rejected" and refused.mimetype == "application/json"

    stored = db.session.scalar(select(Incident).where(Incident.description == bad("INCIDENT")))
    assert stored.location_text == bad("PLACE")
    scan_id = db.session.scalar(select(Scan.id).where(Scan.note == bad("SCANNOTE")))
    lead = _client(app, "lead")
    board = _html(lead, f"/sites/{world.site_a.id}/board?shift={shift.id}")
    assert_safe(board, "board", "INCIDENT", "APIINCIDENT")
    assert_safe(_html(lead, "/lead"), "lead page", "INCIDENT")
    assert_safe(_html(guard, f"/scans/{scan_id}"), "scan confirmation")
    assert_safe(_html(guard, "/guard"), "guard page")
    assert_safe(_html(_client(app, "cleaner"), "/cleaner"), "cleaner page")
    assert_safe(_html(lead, f"/sites/{world.site_a.id}"), "site page")
    text = board + _html(lead, f"/shifts/{shift.id}/handover")
    for tag in ("PLACE", "APIPLACE", "ITEMNOTE"):
        assert f"{tag}{ESCAPED}" in text or bad(tag) not in text, tag  # shown escaped wherever it is shown


def test_gap_explanations_and_the_whole_handover_are_escaped_on_the_page_and_in_the_pdf(world, app):
    shift = _night(world, app)
    world.scan(world.checkpoint_a, world.people["guard"], shift.starts_at + timedelta(minutes=5))
    app.config["ROUNDS_NOW"] = shift.ends_at + timedelta(minutes=5)
    guard, lead, lead2 = _client(app, "guard"), _client(app, "lead"), _client(app, "lead2")
    mine = _html(guard, "/exceptions")
    keys = re.findall(r'name="key" value="([^"]+)"', mine)
    assert len(set(keys)) >= 2
    gaps = f"/shifts/{shift.id}/gaps"
    _post(guard, gaps, {"key": keys[0], "action": "explain", "text": bad("EXPLAIN"), "next": "/exceptions"})
    board_path = f"/sites/{world.site_a.id}/board?shift={shift.id}"
    other = next(k for k in re.findall(r'name="key" value="([^"]+)"', _html(lead, board_path)) if k != keys[0])
    _post(lead, gaps, {"key": other, "action": "acknowledge", "text": bad("ACK"), "next": board_path})
    assert_safe(_html(guard, "/exceptions"), "my exceptions", "EXPLAIN")
    assert_safe(_html(lead, board_path), "board", "EXPLAIN", "ACK")

    page = f"/shifts/{shift.id}/handover"
    assert _post(lead, page, {"step": "open"}, page=page).status_code == 302
    _post(lead, page, {"step": "save", "item_name": [bad("KEYS")], "item_count": ["2"], "remarks_out": bad("OUT")}, page=page)
    assert _post(lead, page, {"step": "sign", "password": PASSWORD, "signature": signature()}, page=page).status_code == 302
    assert _post(lead2, page, {"step": "refuse", "password": PASSWORD, "reason": bad("REFUSE")}, page=page).status_code == 302
    assert_safe(_html(_client(app, "manager"), board_path), "board with a refusal", "REFUSE")
    assert_safe(_html(lead, page), "refused handover", "KEYS", "OUT", "REFUSE")
    assert _post(lead, page, {"step": "sign", "password": PASSWORD, "signature": signature()}, page=page).status_code == 302
    handover = db.session.scalar(select(Handover).where(Handover.shift_id == shift.id))
    counts = {f"count-{i.id}": "2" for i in handover.items}
    assert _post(lead2, page, {"step": "accept", "password": PASSWORD, "signature": signature(), "remarks_in": bad("IN"),
                               **counts}, page=page).status_code == 302
    assert _post(lead2, page, {"step": "addendum", "password": PASSWORD, "text": bad("ADDENDUM"),
                               "signature": signature()}, page=page).status_code == 302
    closed = _html(lead, page)
    assert_safe(closed, "sealed handover", "KEYS", "OUT", "IN", "ADDENDUM", "EXPLAIN", "ACK")
    assert_safe(_html(lead, f"/sites/{world.site_a.id}/handovers"), "handover history")
    pdf = lead.get(f"/handovers/{handover.id}.pdf")
    assert pdf.mimetype == "application/pdf"
    doc = pypdfium2.PdfDocument(pdf.get_data())
    words = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))).replace("\r", "").replace("\n", "")
    assert "KEYS" in words and "alert(1)" in words and "ADDENDUM" in words  # printed as the text it is


def test_photos_are_served_as_jpeg_with_nosniff_and_disguised_files_are_refused(world, app, photo_root):
    photo = world.photo(world.site_a, world.people["guard"])
    guard = _client(app, "guard")
    for path in (f"/photos/{photo.id}.jpg", f"/photos/{photo.id}/thumb.jpg"):
        answer = guard.get(path)
        assert answer.status_code == 200 and answer.mimetype == "image/jpeg", path
        assert answer.headers["X-Content-Type-Options"] == "nosniff" and answer.get_data()[:3] == b"\xff\xd8\xff"
    phone = Phone(app, "guard")
    disguised = {
        "page.jpg": b"<!doctype html><html><script>alert(1)</script></html>",
        "vector.jpg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>',
        "code.jpg": b"alert(document.cookie);//" + b" " * 64,
        "polyglot.jpg": b"\xff\xd8\xff\xe0" + b"<script>alert(1)</script>" * 8,  # a JPEG's first bytes, then HTML
        "image.svg": b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    }
    before = sorted(p.name for p in photo_root.rglob("*"))
    for name, data in disguised.items():
        answer = phone.upload(data, filename=name, site_id=world.site_a.id)
        assert answer.status_code == 400 and answer.mimetype == "application/json", name
        assert answer.get_json()["error"].startswith("photo_"), name
    assert sorted(p.name for p in photo_root.rglob("*")) == before  # nothing of them was stored

    # a real picture with HTML in its comment and metadata is re-encoded: what is served is a fresh JPEG, no script in it
    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(tiny_jpeg((200, 150)))).save(out, "JPEG", comment=b"<script>alert(1)</script>")
    assert b"<script>" in out.getvalue()
    stored = phone.upload(out.getvalue(), filename="real.jpg", site_id=world.site_a.id)
    assert stored.status_code == 201
    served = guard.get(f"/photos/{stored.get_json()['id']}.jpg")
    assert served.mimetype == "image/jpeg" and b"<script>" not in served.get_data()
    assert Image.open(io.BytesIO(served.get_data())).format == "JPEG"
