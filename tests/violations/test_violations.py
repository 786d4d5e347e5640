"""Violation tickets (违纪处罚单) through the pages: a supervisor writes one with evidence; the person acknowledges or
contests it with a reason; a manager of the site upholds or overturns a contested one; every step keeps who and when."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.conftest import FIXED_NOW
from tests.notices.helpers import failed_item, photo, post_form, signed_in, text_of
from webapp.extensions import db
from webapp.models import AuditEntry, Photo, QualityStep, ViolationTicket


def _write(app, login: str = "supervisor", query: str = "", **data):
    client = signed_in(app, login)
    page = client.get(f"/violations/new?{query}")
    submission = re.search(r'name="submission" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return client, post_form(client, f"/violations/new?{query}", f"/violations/new?{query}",
                             {"submission": submission, **data})


def _tickets() -> list[ViolationTicket]:
    db.session.expire_all()
    return list(db.session.scalars(select(ViolationTicket).order_by(ViolationTicket.id)))


def _step(client, ticket_id: int, **data):
    return post_form(client, f"/violations/{ticket_id}", f"/violations/{ticket_id}/steps", data)


def test_a_supervisor_writes_a_ticket_with_evidence_and_the_guard_acknowledges_it(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    guard = world.people["guard"]
    _client, answer = _write(app, person_id=guard.id, rule="asleep_on_duty", points="10",
                             description="凌晨 3 点在岗亭睡觉", photos=[photo()])
    assert answer.status_code == 302
    [ticket] = _tickets()
    assert (ticket.person_id, ticket.rule, ticket.points, ticket.state) == (guard.id, "asleep_on_duty", 10, "issued")
    [evidence] = db.session.scalars(select(Photo).where(Photo.violation_id == ticket.id))
    assert evidence.stage == "evidence"
    guard_client = signed_in(app, "guard")
    home = text_of(guard_client.get("/guard"))
    assert "您的违纪处罚单" in home and "扣 10 分" in home
    assert "凌晨 3 点在岗亭睡觉" in text_of(guard_client.get(f"/violations/{ticket.id}"))
    assert _step(guard_client, ticket.id, action="acknowledge").status_code == 302
    assert _tickets()[0].state == "acknowledged"
    assert "您的违纪处罚单" not in text_of(guard_client.get("/guard"))  # answered: off the home page
    assert "凌晨 3 点在岗亭睡觉" not in text_of(guard_client.get("/guard"))
    assert "本人已确认" in text_of(guard_client.get("/violations/mine"))
    steps = list(db.session.scalars(select(QualityStep).where(QualityStep.subject == "violation").order_by(QualityStep.id)))
    assert [(s.action, s.person_id) for s in steps] == [("issue", world.people["supervisor"].id), ("acknowledge", guard.id)]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "violation_acknowledge")) is not None


def test_a_contest_needs_a_reason_and_the_site_manager_upholds_or_overturns_it(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    cleaner = world.people["cleaner"]
    _write(app, person_id=cleaner.id, rule="uniform", points="5", description="未穿工服")
    _write(app, person_id=cleaner.id, rule="records", points="3", description="保洁记录未填")
    first, second = _tickets()
    cleaner_client = signed_in(app, "cleaner")
    no_reason = _step(cleaner_client, first.id, action="contest", note=" ")
    assert no_reason.status_code == 400 and "请填写原因" in text_of(no_reason)
    assert _step(cleaner_client, first.id, action="contest", note="工服送洗，已报备班长").status_code == 302
    assert _step(cleaner_client, second.id, action="contest", note="记录已补").status_code == 302
    # the person cannot decide their own ticket, and a supervisor does not decide contests
    own = _step(cleaner_client, first.id, action="uphold", note="x")
    assert own.status_code == 400 and "申诉只能由本项目经理裁定" in text_of(own)
    supervisor = signed_in(app, "supervisor")
    assert "申诉只能由本项目经理裁定" in text_of(_step(supervisor, first.id, action="overturn", note="x"))
    manager = signed_in(app, "manager")
    assert _step(manager, first.id, action="overturn", note="确有报备").status_code == 302
    assert _step(manager, second.id, action="uphold", note="记录应当班填写").status_code == 302
    first, second = _tickets()
    assert (first.state, second.state) == ("overturned", "upheld") and first.decided_at == FIXED_NOW
    page = text_of(manager.get(f"/violations/{first.id}"))
    assert "工服送洗，已报备班长" in page and "确有报备" in page and "manager 名字" in page and "cleaner 名字" in page
    # decided: no further step, said clearly
    late = _step(manager, first.id, action="uphold", note="改主意")
    assert late.status_code == 400 and "当前无法执行此步骤" in text_of(late)
    assert _tickets()[0].state == "overturned"


def test_a_manager_cannot_decide_a_ticket_written_against_themself(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    manager = world.people["manager"]
    _write(app, person_id=manager.id, rule="conduct", points="2", description="对业主态度生硬")
    [ticket] = _tickets()
    client = signed_in(app, "manager")
    assert _step(client, ticket.id, action="contest", note="业主误会").status_code == 302
    own = _step(client, ticket.id, action="uphold", note="维持")
    assert own.status_code == 400 and _tickets()[0].state == "contested"
    assert _step(signed_in(app, "admin"), ticket.id, action="overturn", note="调查后撤销").status_code == 302
    assert _tickets()[0].state == "overturned"


def test_bad_input_is_said_in_chinese_and_nothing_is_lost(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    _client, answer = _write(app, person_id=world.people["guard"].id, rule="", points="0", description="")
    text = text_of(answer)
    assert answer.status_code == 400 and "请选择违反的规定" in text and "请写明违纪经过" in text
    assert "扣分须为 1 到 100 的整数" in text
    assert re.search(rf'<option value="{world.people["guard"].id}" selected', answer.get_data(as_text=True))
    _client, themself = _write(app, person_id=world.people["supervisor"].id, rule="other", points="5", description="x")
    assert themself.status_code == 400 and "请选择本项目的人员" in text_of(themself)
    assert _tickets() == []


def test_a_ticket_can_name_the_inspection_it_was_found_in(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    result = failed_item(world)
    _client, answer = _write(app, query=f"inspection={result.inspection_id}", person_id=world.people["cleaner"].id,
                             rule="other", points="2", description="楼道扶手长期未擦")
    assert answer.status_code == 302 and _tickets()[0].inspection_id == result.inspection_id


def test_the_list_filters_by_state_person_and_department(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    _write(app, person_id=world.people["guard"].id, rule="missed_round", points="5", description="漏巡两次")
    _write(app, person_id=world.people["cleaner"].id, rule="uniform", points="2", description="未戴工牌")
    client = signed_in(app, "supervisor")
    assert "共 2 张处罚单" in text_of(client.get("/violations"))
    security = text_of(client.get("/violations?department=security"))
    assert "共 1 张处罚单" in security and "无故漏巡" in security and "着装仪容不规范" not in security
    by_person = text_of(client.get(f"/violations?person={world.people['cleaner'].id}"))
    assert "共 1 张处罚单" in by_person and "着装仪容不规范" in by_person
    assert "共 0 张处罚单" in text_of(client.get("/violations?state=contested"))


def test_another_sites_ticket_answers_404_and_others_of_the_site_do_not_see_it(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    _write(app, person_id=world.people["guard"].id, rule="absent", points="8", description="擅自离岗")
    [ticket] = _tickets()
    assert signed_in(app, "guard_b").get(f"/violations/{ticket.id}").status_code == 404
    assert signed_in(app, "cleaner").get(f"/violations/{ticket.id}").status_code == 404
    assert signed_in(app, "lead_b").get(f"/violations/new?site={world.site_a.id}").status_code == 403  # not a quality role
    assert db.session.scalar(select(func.count()).select_from(QualityStep)) == 1
