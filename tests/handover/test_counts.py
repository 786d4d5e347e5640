"""The incoming lead counts: every item is entered (nothing pre-filled), differences are shown and must be confirmed,
and an item listed twice is refused when the list is saved."""
from __future__ import annotations

from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.handover.test_lifecycle import _client, _post, _setup, _text, signature
from webapp.extensions import db
from webapp.models import Handover


def _signed(world, app):
    shift = _setup(world, app)
    out, incoming = _client(app, "lead"), _client(app, "lead2")
    _post(out, shift, step="open")
    assert _post(out, shift, step="save", item_name=["对讲机", "钥匙"], item_count=["2", "5"]).status_code == 302
    assert _post(out, shift, step="sign", password=PASSWORD, signature=signature()).status_code == 302
    handover = db.session.scalar(select(Handover).where(Handover.shift_id == shift.id))
    return shift, incoming, {i.name: i.id for i in handover.items}


def test_the_accept_form_asks_for_each_count_instead_of_prefilling_it(world, app):
    shift, incoming, ids = _signed(world, app)
    page = incoming.get(f"/shifts/{shift.id}/handover").get_data(as_text=True)
    for item_id in ids.values():
        field = page[page.index(f'name="count-{item_id}"'):][:200]
        assert 'value=""' in field and "required" in field
    answer = _post(incoming, shift, step="accept", password=PASSWORD, signature=signature(), **{f"count-{ids['对讲机']}": "2"})
    assert answer.status_code == 400 and "尚未清点：钥匙" in _text(answer)
    assert db.session.scalar(select(Handover.state)).value == "signed"


def test_a_difference_is_shown_and_accepted_only_once_confirmed_then_sealed(world, app):
    shift, incoming, ids = _signed(world, app)
    counts = {f"count-{ids['对讲机']}": "2", f"count-{ids['钥匙']}": "4"}
    answer = _post(incoming, shift, step="accept", password=PASSWORD, signature=signature(), **counts)
    text = _text(answer)
    assert answer.status_code == 400 and "钥匙 5 → 4" in text and "交出 5，实点 4" in text
    assert 'name="differences_confirmed"' in answer.get_data(as_text=True)
    assert db.session.scalar(select(Handover.state)).value == "signed"
    answer = _post(incoming, shift, step="accept", password=PASSWORD, signature=signature(), differences_confirmed="1",
                   **counts)
    assert answer.status_code == 302
    db.session.expire_all()
    handover = db.session.scalar(select(Handover))
    assert handover.state.value == "closed" and '"in":4,"name":"钥匙"' in handover.content_json


def test_an_item_listed_twice_is_refused_and_named(world, app):
    shift = _setup(world, app)
    out = _client(app, "lead")
    _post(out, shift, step="open")
    answer = _post(out, shift, step="save", item_name=["钥匙", "对讲机", " 钥匙 "], item_count=["5", "2", "1"])
    assert answer.status_code == 400 and "物品重复列出：钥匙" in _text(answer)
