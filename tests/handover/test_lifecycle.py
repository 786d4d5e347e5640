"""A handover from build to seal: signed out, accepted or refused, immutable once closed, corrected by addenda, verified."""
from __future__ import annotations

import base64
import io
import re
from datetime import date, timedelta, timezone

from PIL import Image
from sqlalchemy import delete, select, update

from tests.conftest import PASSWORD, csrf_from, sign_in
from webapp.extensions import db
from webapp.models import AuditEntry, Handover, HandoverAddendum, PatrolPlan, Role, Route

UTC = timezone.utc
DAY = date(2026, 11, 24)


def signature() -> str:
    out = io.BytesIO()
    img = Image.new("RGB", (300, 100), "white")
    img.putpixel((10, 10), (0, 0, 0))
    img.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _setup(world, app, day=DAY):
    world.person("lead2", Role.LEAD, [world.site_a])
    shift = world.night_shift(day)
    route = db.session.scalar(select(Route).where(Route.site_id == world.site_a.id))
    db.session.add(PatrolPlan(site_id=world.site_a.id, route_id=route.id, shift_template_id=shift.template_id,
                              name="夜巡", interval_minutes=120, window_minutes=30))
    db.session.commit()
    world.scan(world.checkpoint_a, world.people["guard"], shift.starts_at + timedelta(minutes=5))
    app.config["ROUNDS_NOW"] = shift.ends_at + timedelta(minutes=5)
    return shift


def _client(app, login):
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client


def _post(client, shift, **data):
    page = client.get(f"/shifts/{shift.id}/handover").get_data(as_text=True)
    return client.post(f"/shifts/{shift.id}/handover", data={"csrf_token": csrf_from(page), **data})


def _text(answer) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.get_data(as_text=True)))


def _close(world, app, shift):
    out, incoming = _client(app, "lead"), _client(app, "lead2")
    assert _post(out, shift, step="open").status_code == 302
    _post(out, shift, step="save", item_name=["对讲机", "钥匙"], item_count=["2", "5"], remarks_out="北门道闸已报修")
    assert _post(out, shift, step="sign", password=PASSWORD, signature=signature()).status_code == 302
    handover = db.session.scalar(select(Handover).where(Handover.shift_id == shift.id))
    counts = {f"count-{i.id}": str(i.count_out) for i in handover.items}
    answer = _post(incoming, shift, step="accept", password=PASSWORD, signature=signature(), remarks_in="已清点", **counts)
    assert answer.status_code == 302
    db.session.expire_all()
    return db.session.scalar(select(Handover).where(Handover.shift_id == shift.id)), out, incoming


def test_the_record_is_built_from_the_shift_signed_accepted_and_sealed(world, app):
    shift = _setup(world, app)
    lead = _client(app, "lead")
    before = _text(lead.get(f"/shifts/{shift.id}/handover"))
    assert "打开交接" in before or "Open the handover" in before
    handover, out, incoming = _close(world, app, shift)
    assert handover.state.value == "closed" and handover.sequence == 1 and handover.prev_sha256 is None
    assert len(handover.sha256) == 64 and '"remarks_out":"北门道闸已报修"' in handover.content_json
    assert [(i.name, i.count_out, i.count_in) for i in handover.items] == [("对讲机", 2, 2), ("钥匙", 5, 5)]
    page = _text(incoming.get(f"/shifts/{shift.id}/handover"))
    assert handover.sha256 in page and "北门道闸已报修" in page and "已清点" in page
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "handover")))
    assert {"handover_opened", "handover_signed", "handover_closed"} <= actions


def test_a_wrong_password_or_no_signature_signs_nothing(world, app):
    shift = _setup(world, app)
    out = _client(app, "lead")
    _post(out, shift, step="open")
    wrong = _post(out, shift, step="sign", password="nope", signature=signature())
    assert wrong.status_code == 400 and "密码不正确" in _text(wrong)
    blank = _post(out, shift, step="sign", password=PASSWORD, signature="")
    assert blank.status_code == 400 and "请先用手指在框内签名" in _text(blank)
    assert db.session.scalar(select(Handover.state)).value == "open"


def test_only_the_outgoing_lead_signs_and_someone_else_takes_over(world, app):
    shift = _setup(world, app)
    out = _client(app, "lead")
    _post(out, shift, step="open")
    other = _client(app, "lead2")
    assert _post(other, shift, step="sign", password=PASSWORD, signature=signature()).status_code == 400
    _post(out, shift, step="sign", password=PASSWORD, signature=signature())
    same = _post(out, shift, step="accept", password=PASSWORD, signature=signature())
    assert same.status_code == 400 and "接班人必须是交班人以外的人" in _text(same)


def test_a_refusal_is_recorded_shown_to_the_manager_and_does_not_close(world, app):
    shift = _setup(world, app)
    out, incoming = _client(app, "lead"), _client(app, "lead2")
    _post(out, shift, step="open")
    _post(out, shift, step="sign", password=PASSWORD, signature=signature())
    assert _post(incoming, shift, step="refuse", password=PASSWORD, reason="").status_code == 400
    assert _post(incoming, shift, step="refuse", password=PASSWORD, reason="消防水泵房钥匙缺失").status_code == 302
    handover = db.session.scalar(select(Handover))
    assert handover.state.value == "refused" and handover.sha256 is None and handover.refused_by_id == world.people["lead2"].id
    manager = _client(app, "manager")
    history = _text(manager.get(f"/sites/{world.site_a.id}/handovers"))
    assert "已拒绝" in history or "Refused" in history
    board = _text(manager.get(f"/sites/{world.site_a.id}/board?shift={shift.id}"))
    assert "消防水泵房钥匙缺失" in board
    _post(out, shift, step="sign", password=PASSWORD, signature=signature())  # fixed: signed again
    assert db.session.scalar(select(Handover.state)).value == "signed"


def test_a_closed_record_never_changes_but_takes_a_signed_addendum(world, app):
    shift = _setup(world, app)
    handover, out, incoming = _close(world, app, shift)
    sealed = handover.content_json
    for step in ("save", "sign", "accept", "refuse"):
        answer = _post(out if step in ("save", "sign") else incoming, shift, step=step, password=PASSWORD,
                       signature=signature(), reason="x", item_name=["改"], item_count=["9"], remarks_out="改过了")
        assert answer.status_code == 400 and "已关闭并封存" in _text(answer), step
    db.session.expire_all()
    assert db.session.scalar(select(Handover.content_json)) == sealed
    added = _post(out, shift, step="addendum", password=PASSWORD, signature=signature(), text="补充：钥匙共6把")
    assert added.status_code == 302
    addendum = db.session.scalar(select(HandoverAddendum))
    assert addendum.text == "补充：钥匙共6把" and len(addendum.sha256) == 64
    page = _text(out.get(f"/shifts/{shift.id}/handover"))
    assert "补充：钥匙共6把" in page and db.session.scalar(select(Handover.content_json)) == sealed


def test_the_chain_links_each_site_record_and_verification_finds_tampering_and_removal(world, app):
    shifts = [_setup(world, app, DAY)] + [world.night_shift(DAY + timedelta(days=n)) for n in (1, 2)]
    records = []
    for n, shift in enumerate(shifts):
        app.config["ROUNDS_NOW"] = shift.ends_at + timedelta(minutes=5)
        if n:
            world.scan(world.checkpoint_a, world.people["guard"], shift.starts_at + timedelta(minutes=5))
        records.append(_close(world, app, shift)[0])
    assert [r.sequence for r in records] == [1, 2, 3]
    assert records[1].prev_sha256 == records[0].sha256 and records[2].prev_sha256 == records[1].sha256
    manager = _client(app, "manager")
    assert "链条完整" in _text(manager.get(f"/sites/{world.site_a.id}/handovers/verify"))
    db.session.execute(update(Handover).where(Handover.id == records[1].id)
                       .values(content_json=records[1].content_json.replace("北门道闸已报修", "一切正常")))
    db.session.commit()
    page = _text(manager.get(f"/sites/{world.site_a.id}/handovers/verify"))
    assert "链条已断开" in page and "#2" in page and "封存后被修改" in page
    db.session.execute(update(Handover).where(Handover.id == records[1].id).values(content_json=records[1].content_json))
    db.session.execute(delete(Handover).where(Handover.id == records[1].id))
    db.session.commit()
    page = _text(manager.get(f"/sites/{world.site_a.id}/handovers/verify"))
    assert "链条已断开" in page and "#3" in page and "之前缺少一条记录" in page


def test_the_pdf_is_a_real_pdf_with_the_gaps_and_the_hash(world, app):
    shift = _setup(world, app)
    handover, out, _incoming = _close(world, app, shift)
    answer = out.get(f"/handovers/{handover.id}.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf" and answer.data.startswith(b"%PDF")
    import pypdfium2
    doc = pypdfium2.PdfDocument(answer.data)
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    assert handover.sha256 in text.replace("\r", "").replace("\n", "")
    assert "交接班记录" in text and "北门道闸已报修" in text
    assert "未巡" in text or "漏" in text  # the missed rounds/checkpoints of the night are listed


def test_even_code_that_skips_the_services_cannot_change_a_sealed_record(world, app):
    import pytest

    from webapp.models.trust import SealedRecordError

    shift = _setup(world, app)
    handover, _out, _incoming = _close(world, app, shift)
    handover.remarks_out = "后来改的"
    with pytest.raises(SealedRecordError):
        db.session.commit()
    db.session.rollback()
    handover.items[0].count_in = 0
    with pytest.raises(SealedRecordError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(handover)
    with pytest.raises(SealedRecordError):
        db.session.flush()
    db.session.rollback()
