"""Tampering with a sealed handover's records, straight in the database, is named on the verify page and by the command."""
from __future__ import annotations

import io
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import delete, select, update

from tests.conftest import PASSWORD
from tests.handover.test_lifecycle import DAY, _client, _close, _post, _setup, _text, signature
from webapp.extensions import db
from webapp.models import GapAction, Handover, HandoverAddendum, Incident, IncidentKind, Photo, Scan, Severity
from webapp.photos import PhotoStore, photo_store


def _sealed_site(world, app):
    """Three sealed nights; the second has a scan with a photo, an incident, an explained exception and an addendum."""
    shifts = [_setup(world, app, DAY)] + [world.night_shift(DAY + timedelta(days=n)) for n in (1, 2)]
    guard = world.people["guard"]
    records, evidence = [], {}
    for n, shift in enumerate(shifts):
        app.config["ROUNDS_NOW"] = shift.ends_at + timedelta(minutes=5)
        if n == 1:
            scan = world.scan(world.checkpoint_a, guard, shift.starts_at + timedelta(minutes=5))
            photo = world.photo(world.site_a, guard, shift.starts_at + timedelta(minutes=5))
            photo.scan_id = scan.id
            at = shift.starts_at + timedelta(hours=1)
            incident = Incident(client_uuid=uuid.uuid4(), site_id=world.site_a.id, person_id=guard.id, shift_id=shift.id,
                                device_time=at, captured_at=at, received_at=at, kind=IncidentKind.LEAK,
                                severity=Severity.HIGH, description="地下车库漏水")
            step = GapAction(shift_id=shift.id, gap_key="missed:1", action="explain", person_id=guard.id,
                             at=at, text="电梯故障")
            db.session.add_all([incident, step])
            db.session.commit()
            evidence = {"scan": scan.id, "scan_at": scan.captured_at, "photo": photo.id, "photo_sha": photo.sha256, "incident": incident.id,
                        "step": step.id}
        elif n:
            world.scan(world.checkpoint_a, guard, shift.starts_at + timedelta(minutes=5))
        records.append(_close(world, app, shift)[0])
    out = _client(app, "lead")
    assert _post(out, shifts[1], step="addendum", password=PASSWORD, signature=signature(), text="补充：钥匙共6把").status_code == 302
    assert _post(out, shifts[1], step="addendum", password=PASSWORD, signature=signature(), text="补充：对讲机已充电").status_code == 302
    return shifts, records, evidence


def _verify(world, app) -> tuple[str, str, int]:
    page = _text(_client(app, "manager").get(f"/sites/{world.site_a.id}/handovers/verify"))
    result = app.test_cli_runner().invoke(args=["verify-chain", str(world.site_a.id)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return page, result.output, result.exit_code


def _other_png() -> str:
    import base64

    out = io.BytesIO()
    Image.new("RGB", (300, 100), "white").save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def test_an_untouched_chain_with_its_evidence_verifies_record_by_record(world, app):
    _shifts, records, _ev = _sealed_site(world, app)
    page, output, code = _verify(world, app)
    assert "链条完整" in page and code == 0 and "intact" in output
    for r in records:
        assert r.sha256 in page and r.sha256 in output
    assert "张" in page or world.people["lead"].name in page  # the signers are named
    assert '"evidence":{"records":{' in records[1].content_json


EDITS = {
    "scan deleted": (lambda ev: [delete(Photo).where(Photo.id == ev["photo"]), delete(Scan).where(Scan.id == ev["scan"])],
                     ["巡更记录 #{scan}", "封存后被删除", "照片 #{photo}"], ["scan:{scan}"]),
    "scan moved": (lambda ev: [update(Scan).where(Scan.id == ev["scan"]).values(captured_at=ev["scan_at"] + timedelta(hours=1))],
                   ["巡更记录 #{scan}", "封存后被修改"], ["scan:{scan}"]),
    "incident edited": (lambda ev: [update(Incident).where(Incident.id == ev["incident"]).values(description="无")],
                        ["事件 #{incident}", "封存后被修改"], ["incident:{incident}"]),
    "explanation edited": (lambda ev: [update(GapAction).where(GapAction.id == ev["step"]).values(text="没去")],
                           ["异常处理 #{step}"], ["gap_step:{step}"]),
    "photo hash swapped": (lambda ev: [update(Photo).where(Photo.id == ev["photo"]).values(sha256="0" * 64)],
                           ["照片 #{photo}"], ["photo:{photo}"]),
}


@pytest.mark.parametrize("case", sorted(EDITS))
def test_evidence_rows_edited_removed_or_moved_are_named(world, app, case):
    shifts, records, ev = _sealed_site(world, app)
    edit, on_page, in_output = EDITS[case]
    for statement in edit(ev):
        db.session.execute(statement)
    db.session.commit()
    page, output, code = _verify(world, app)
    assert "链条已断开" in page and code == 1 and "BROKEN" in output
    for text in on_page:
        assert text.format(**ev) in page, (case, text)
    for text in in_output:
        assert text.format(**ev) in output, (case, text)
    assert "#1" in output and output.count("BROKEN") >= 2  # only #2 is broken: #1 and #3 stay OK
    assert "#1 OK" in output
    assert ("#3 OK" in output) == (case != "incident edited")  # an incident still open was counted by the next night too


def test_a_scan_slipped_in_before_sealing_time_is_named_as_added(world, app):
    shifts, records, ev = _sealed_site(world, app)
    at = shifts[1].starts_at + timedelta(hours=2)
    forged = Scan(client_uuid=uuid.uuid4(), site_id=world.site_a.id, person_id=world.people["guard"].id,
                  checkpoint_id=world.checkpoint_a.id, shift_id=shifts[1].id, device_time=at, captured_at=at, received_at=at)
    db.session.add(forged)
    db.session.commit()
    page, output, code = _verify(world, app)
    assert code == 1 and f"巡更记录 #{forged.id}" in page and "封存后新增" in page and f"scan:{forged.id}" in output


def test_a_swapped_signature_image_is_named(world, app):
    _shifts, records, _ev = _sealed_site(world, app)
    db.session.execute(update(Handover).where(Handover.id == records[2].id).values(in_signature=_other_png()))
    db.session.commit()
    page, output, code = _verify(world, app)
    assert code == 1 and "#3 BROKEN" in output and "signature:in" in output and "接班人签名" in page


def test_photo_bytes_replaced_on_disk_are_named(world, app):
    _shifts, _records, ev = _sealed_site(world, app)
    store = photo_store().objects
    key = PhotoStore.key(ev["photo_sha"])
    original = store.get(key)
    try:
        store.put(key, original[:-10] + b"0123456789")
        page, output, code = _verify(world, app)
        assert code == 1 and f"照片 #{ev['photo']}" in page and "照片内容与其 SHA-256 不符" in page
        assert "photo_bytes" in output
    finally:
        store.put(key, original)


def test_an_edited_or_removed_addendum_is_named(world, app):
    _shifts, records, _ev = _sealed_site(world, app)
    first, second = db.session.scalars(select(HandoverAddendum).order_by(HandoverAddendum.id)).all()
    db.session.execute(update(HandoverAddendum).where(HandoverAddendum.id == first.id).values(text="补充：钥匙共5把"))
    db.session.commit()
    page, output, code = _verify(world, app)
    assert code == 1 and "补充记录 #1" in page and "addendum_altered" in output
    db.session.execute(update(HandoverAddendum).where(HandoverAddendum.id == first.id).values(text=first.text))
    db.session.execute(delete(HandoverAddendum).where(HandoverAddendum.id == first.id))
    db.session.commit()
    page, output, code = _verify(world, app)
    assert code == 1 and "补充记录 #1" in page  # the one left no longer follows the record


def test_a_record_arriving_after_sealing_is_shown_as_late_not_as_tampering(world, app):
    shifts, records, _ev = _sealed_site(world, app)
    at = shifts[2].starts_at + timedelta(hours=3)
    late = Scan(client_uuid=uuid.uuid4(), site_id=world.site_a.id, person_id=world.people["guard"].id,
                checkpoint_id=world.checkpoint_a.id, shift_id=shifts[2].id, device_time=at, captured_at=at,
                received_at=records[2].accepted_at + timedelta(hours=1))
    db.session.add(late)
    db.session.commit()
    page, output, code = _verify(world, app)
    assert code == 0 and "封存后才到达" in page and f"巡更记录 #{late.id}" in page


def _rechain_from(records, first: int) -> None:
    """Rewrite record `first` (0-based) and recompute its hash and every later one, as someone without the key could."""
    from webapp.domain.handover import chained_hash

    prev = records[first].prev_sha256
    for n, r in enumerate(records[first:]):
        text = r.content_json.replace("北门道闸已报修", "一切正常") if n == 0 else r.content_json
        sha = chained_hash(text, prev)
        db.session.execute(update(Handover).where(Handover.id == r.id).values(content_json=text, sha256=sha, prev_sha256=prev))
        prev = sha
    db.session.commit()


def test_a_full_recomputation_without_the_key_is_named_by_the_signature_and_the_witness(world, app):
    _shifts, records, _ev = _sealed_site(world, app)
    page = _text(_client(app, "manager").get(f"/sites/{world.site_a.id}/handovers/verify"))
    from webapp.handover.anchors import public_key_text

    with app.app_context():
        key = public_key_text()
    assert key and key in page  # the public half of the sealing key is shown
    _rechain_from(records, 1)
    page, output, code = _verify(world, app)
    assert code == 1 and "#2 BROKEN" in output and "#3 BROKEN" in output and "#1 OK" in output
    assert "seal_signature" in output and "witness_mismatch" in output
    assert "封存密钥的签名不符" in page and "与数据库外见证的哈希不同" in page


def test_deleting_the_newest_records_is_named_against_the_witnessed_head(world, app):
    _shifts, records, _ev = _sealed_site(world, app)
    db.session.execute(delete(Handover).where(Handover.id == records[2].id))
    db.session.commit()
    page, output, code = _verify(world, app)
    assert code == 1 and "truncated" in output and "#3" in output
    assert "链条末尾缺少已在数据库外见证过的记录" in page


def test_deleting_the_newest_addendum_is_named_against_the_witness(world, app):
    _shifts, records, _ev = _sealed_site(world, app)
    newest = db.session.scalars(select(HandoverAddendum).order_by(HandoverAddendum.id.desc())).first()
    db.session.execute(delete(HandoverAddendum).where(HandoverAddendum.id == newest.id))
    db.session.commit()
    page, output, code = _verify(world, app)
    assert code == 1 and "#2 BROKEN" in output and "addendum_missing" in output
    assert "缺少一条已在数据库外见证过的补充说明" in page


def test_the_client_portal_witnesses_the_head_it_saw_and_prints_it(world, app):
    import json

    _shifts, records, _ev = _sealed_site(world, app)
    client = _client(app, "client")
    page = _text(client.get(f"/portal/sites/{world.site_a.id}/chain"))
    assert "链条完整" in page and records[2].sha256 in page and "lead 名字" not in page
    lines = [json.loads(x) for x in Path(app.config["CHAIN_WITNESS_FILE"]).read_text().splitlines()]
    assert lines[-1]["kind"] == "portal" and lines[-1]["sequence"] == 3 and lines[-1]["sha256"] == records[2].sha256
    answer = _client(app, "manager").get(f"/handovers/{records[0].id}.pdf")
    import pypdfium2

    doc = pypdfium2.PdfDocument(answer.data)
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))).replace("\r", "").replace("\n", "")
    assert "#3" in text and records[2].sha256 in text  # the head of the chain when printed


def test_a_photo_the_store_has_lost_is_named(world, app):
    _shifts, _records, ev = _sealed_site(world, app)
    store = photo_store().objects
    key = PhotoStore.key(ev["photo_sha"])
    original = store.get(key)
    try:
        store.delete(key)
        _page, output, code = _verify(world, app)
        assert code == 1 and "photo_missing" in output
    finally:
        store.put(key, original)
