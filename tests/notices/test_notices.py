"""Rectification notices (整改通知单) through the pages: issued in one tap from what was found, fixed with an
after-photo by the person responsible, re-checked by the issuer; overdue ones turn red where leads and managers look."""
from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

from sqlalchemy import func, select

from tests.conftest import FIXED_NOW
from tests.notices.helpers import failed_item, photo, post_form, signed_in, text_of
from webapp.extensions import db
from webapp.models import (
    AuditEntry,
    Incident,
    IncidentKind,
    PatrolPlan,
    Photo,
    QualityStep,
    RectificationNotice,
    Route,
    RouteStop,
    Severity,
)


def _fields(html: str) -> dict:
    """The prefilled values of the new-notice form, as the browser would send them back."""
    def value(name):
        found = re.search(rf'name="{name}" value="([^"]*)"', html)
        return found.group(1) if found else ""
    description = re.search(r'<textarea id="description" name="description"[^>]*>([^<]*)</textarea>', html).group(1)
    selected = dict(re.findall(r'<select id="(\w+)" name="\w+"[^>]*>(?:(?!</select>).)*?<option value="(\w*)" selected',
                               html, re.S))
    severity = re.search(r'name="severity" value="(\w+)" checked', html)
    return {"submission": value("submission"), "description": description, "location_text": value("location_text"),
            "deadline": value("deadline"), "severity": severity.group(1) if severity else "",
            "department": selected.get("department", ""), "checkpoint_id": selected.get("checkpoint_id", ""),
            "assignee_id": selected.get("assignee_id", "")}


def _issue(app, world, login: str, query: str, **changes):
    """Open the new-notice page for a source, keep what it prefilled, change some fields, and send it."""
    client = signed_in(app, login)
    page = client.get(f"/notices/new?{query}")
    assert page.status_code == 200
    data = _fields(page.get_data(as_text=True)) | changes
    return client, page, post_form(client, f"/notices/new?{query}", f"/notices/new?{query}", data)


def _notices() -> list[RectificationNotice]:
    return list(db.session.scalars(select(RectificationNotice).order_by(RectificationNotice.id)))


def _state(notice_id: int) -> str:
    db.session.expire_all()
    return db.session.get(RectificationNotice, notice_id).state


def _step(client, notice_id: int, **data):
    return post_form(client, f"/notices/{notice_id}", f"/notices/{notice_id}/steps", data)


def test_a_supervisor_issues_a_notice_from_a_failed_inspection_item_in_one_tap(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    result = failed_item(world)
    source_photo = db.session.scalar(select(Photo).where(Photo.inspection_result_id == result.id))
    client = signed_in(app, "supervisor")
    page = client.get(f"/notices/new?result={result.id}")
    html = page.get_data(as_text=True)
    fields = _fields(html)
    assert fields["description"] == "扶手无灰尘：三楼扶手积灰" and fields["severity"] == "high"
    assert fields["department"] == "environment" and fields["checkpoint_id"] == str(world.checkpoint_a.id)
    assert fields["deadline"] == "2026-11-26T10:00"  # high: 24 h, shown in Shanghai time
    assert f"/photos/{source_photo.id}/thumb.jpg" in html and "A 北门 区" in html  # the area of the inspection
    assert 'label="环境' in html and 'label="治安' in html  # people grouped by department
    cleaner = world.people["cleaner"]
    answer = post_form(client, f"/notices/new?result={result.id}", f"/notices/new?result={result.id}",
                       fields | {"assignee_id": cleaner.id})
    assert answer.status_code == 302
    [notice] = _notices()
    assert (notice.source, notice.inspection_result_id, notice.area_id, notice.severity, notice.department) == \
        ("inspection", result.id, world.checkpoint_a.area_id, "high", "environment")
    assert notice.assignee_id == cleaner.id and notice.deadline == FIXED_NOW + timedelta(hours=24)
    shown = client.get(answer.headers["Location"])
    assert f"/photos/{source_photo.id}/thumb.jpg" in shown.get_data(as_text=True)  # by reference, not moved
    db.session.refresh(source_photo)
    assert source_photo.notice_id is None and source_photo.inspection_result_id == result.id
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "notice_issued")) is not None


def test_a_lead_turns_an_incident_into_a_notice_with_a_new_evidence_photo(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    incident = Incident(client_uuid=uuid.uuid4(), site_id=world.site_a.id, person_id=world.people["guard"].id,
                        device_time=FIXED_NOW, captured_at=FIXED_NOW, received_at=FIXED_NOW, kind=IncidentKind.LEAK,
                        severity=Severity.CRITICAL, description="地下车库顶棚漏水", checkpoint_id=world.checkpoint_a.id)
    db.session.add(incident)
    db.session.commit()
    engineer = world.people["engineer"]
    client, page, answer = _issue(app, world, "lead", f"incident={incident.id}", assignee_id=engineer.id,
                                  photos=[photo()])
    fields = _fields(page.get_data(as_text=True))
    assert fields["description"] == "地下车库顶棚漏水" and fields["department"] == "engineering"
    assert fields["deadline"] == "2026-11-25T14:00"  # critical: 4 h
    assert answer.status_code == 302
    [notice] = _notices()
    assert notice.source == "incident" and notice.incident_id == incident.id and notice.assignee_id == engineer.id
    [evidence] = db.session.scalars(select(Photo).where(Photo.notice_id == notice.id))
    assert evidence.stage == "evidence" and evidence.site_id == world.site_a.id


def _night_with_a_miss(world):
    """A night shift at site A whose round skipped the pump room (as on the live board)."""
    pump = world.checkpoint(world.site_a, "A02", "A 水泵房")
    shift = world.night_shift(date(2026, 11, 24))
    route = db.session.scalar(select(Route).where(Route.site_id == world.site_a.id))
    route.stops.append(RouteStop(checkpoint_id=pump.id, position=1, min_walk_minutes=2))
    db.session.add(PatrolPlan(site_id=world.site_a.id, route_id=route.id, shift_template_id=shift.template_id,
                              name="夜巡", interval_minutes=120, window_minutes=30))
    db.session.commit()
    world.scan(world.checkpoint_a, world.people["guard"], shift.starts_at + timedelta(minutes=5))
    return shift


def test_a_gap_on_the_board_becomes_a_notice_in_one_tap(world, app):
    shift = _night_with_a_miss(world)
    app.config["ROUNDS_NOW"] = shift.starts_at + timedelta(minutes=50)
    lead = signed_in(app, "lead")
    board = lead.get(f"/sites/{world.site_a.id}/board?shift={shift.id}").get_data(as_text=True)
    link = re.search(r'href="(/notices/new\?shift=\d+&amp;gap=[^"]*checkpoint_missed[^"]*)"', board).group(1)
    query = link.replace("&amp;", "&").split("?", 1)[1]
    assert re.search(r'href="/notices/new\?incident=', board) is None  # no incident on this shift
    _client, page, answer = _issue(app, world, "lead", query, assignee_id=world.people["guard"].id)
    assert "A 水泵房" in _fields(page.get_data(as_text=True))["description"]
    assert answer.status_code == 302
    [notice] = _notices()
    assert notice.source == "gap" and notice.gap_shift_id == shift.id and "checkpoint_missed" in notice.gap_key
    assert "A 水泵房" in notice.description


def test_a_blank_notice_takes_the_deadline_in_the_sites_local_time(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    _client, _page, answer = _issue(app, world, "lead", "", description="3 号楼楼道堆放杂物",
                                    location_text="3 号楼 2 单元", assignee_id=world.people["cleaner"].id,
                                    deadline="2026-11-25T18:00")
    assert answer.status_code == 302
    [notice] = _notices()
    assert notice.source == "manual" and notice.deadline == FIXED_NOW + timedelta(hours=8)  # 18:00 Shanghai = 10:00 UTC


def test_bad_input_is_said_in_chinese_beside_the_field_and_nothing_is_lost_or_stored(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    client, _page, answer = _issue(app, world, "supervisor", "", description=" ", location_text="地库 B2 入口",
                                   assignee_id="", deadline="2026-11-24T09:00")
    text = text_of(answer)
    assert answer.status_code == 400 and "请写明需要整改的内容" in text and "请选择责任人" in text
    assert 'value="地库 B2 入口"' in answer.get_data(as_text=True) and _notices() == []
    _client, _page, past = _issue(app, world, "supervisor", "", description="门禁损坏", location_text="地库 B2 入口",
                                  assignee_id=world.people["guard"].id, deadline="2026-11-24T09:00")
    assert past.status_code == 400 and "整改期限必须晚于现在" in text_of(past)
    assert "门禁损坏" in past.get_data(as_text=True) and _notices() == []


def test_the_life_of_a_notice_fix_recheck_fail_fix_again_pass_with_who_and_when(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    cleaner = world.people["cleaner"]
    supervisor_client, _page, _answer = _issue(app, world, "supervisor", "", description="大堂地面有污渍",
                                               location_text="1 号楼大堂", assignee_id=cleaner.id)
    [notice] = _notices()
    # the cleaner sees it on their home page, with the deadline in local time
    cleaner_client = signed_in(app, "cleaner")
    home = text_of(cleaner_client.get("/cleaner"))
    assert "您的整改通知" in home and "大堂地面有污渍" in home and "2026/11/28 10:00" in home
    assert "大堂地面有污渍" in text_of(cleaner_client.get("/notices/mine"))
    # out of turn: the cleaner cannot re-check; nothing changes
    refused = _step(cleaner_client, notice.id, action="pass")
    assert refused.status_code == 400 and "只有开单人或本项目经理" in text_of(refused)
    # no after-photo: said in Chinese, the note is kept
    app.config["ROUNDS_NOW"] = FIXED_NOW + timedelta(hours=2)
    no_photo = _step(cleaner_client, notice.id, action="submit", note="已用清洁剂擦洗")
    assert no_photo.status_code == 400 and "请附上整改后的照片" in text_of(no_photo)
    assert "已用清洁剂擦洗" in no_photo.get_data(as_text=True)
    assert _state(notice.id) == "open"
    assert _step(cleaner_client, notice.id, action="submit", note="已用清洁剂擦洗", after=[photo()]).status_code == 302
    db.session.refresh(notice)
    assert notice.state == "submitted"
    [after] = db.session.scalars(select(Photo).where(Photo.notice_id == notice.id, Photo.stage == "after"))
    # the supervisor re-checks: not clean yet, new deadline tomorrow 12:00
    app.config["ROUNDS_NOW"] = FIXED_NOW + timedelta(hours=4)
    page = text_of(supervisor_client.get(f"/notices/{notice.id}"))
    assert "复查合格" in page and f"/photos/{after.id}/thumb.jpg" in supervisor_client.get(
        f"/notices/{notice.id}").get_data(as_text=True)
    failed = _step(supervisor_client, notice.id, action="fail", note="边角仍有污渍", deadline="2026-11-26T12:00")
    assert failed.status_code == 302
    db.session.refresh(notice)
    assert (notice.state, notice.recheck_failures, notice.deadline) == ("open", 1, FIXED_NOW + timedelta(hours=26))
    # a pass now is the wrong step: a clear message, nothing changes
    wrong = _step(supervisor_client, notice.id, action="pass")
    assert wrong.status_code == 400 and "待整改 状态下不能 复查合格" in text_of(wrong)
    assert _state(notice.id) == "open"
    app.config["ROUNDS_NOW"] = FIXED_NOW + timedelta(hours=20)
    assert _step(cleaner_client, notice.id, action="submit", note="重新擦洗边角",
                 after=[photo(color=(250, 250, 250))]).status_code == 302
    app.config["ROUNDS_NOW"] = FIXED_NOW + timedelta(hours=22)
    assert _step(supervisor_client, notice.id, action="pass", note="合格").status_code == 302
    db.session.refresh(notice)
    assert notice.state == "closed" and notice.closed_on_time is True
    assert "大堂地面有污渍" not in text_of(cleaner_client.get("/cleaner"))  # closed: off the home page
    steps = list(db.session.scalars(select(QualityStep).where(QualityStep.subject == "notice").order_by(QualityStep.id)))
    supervisor = world.people["supervisor"]
    assert [(s.action, s.person_id) for s in steps] == [("issue", supervisor.id), ("submit", cleaner.id),
                                                        ("fail", supervisor.id), ("submit", cleaner.id),
                                                        ("pass", supervisor.id)]
    history = text_of(supervisor_client.get(f"/notices/{notice.id}"))
    assert "复查不合格" in history and "边角仍有污渍" in history and "2026/11/25 14:00" in history
    assert "cleaner 名字" in history and "按期" in history


def test_a_cleaner_who_is_also_the_assignee_never_passes_their_own_fix(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    manager = world.people["manager"]
    client, _page, _answer = _issue(app, world, "manager", "", description="配电房未上锁", location_text="配电房",
                                    assignee_id=manager.id)
    [notice] = _notices()
    assert _step(client, notice.id, action="submit", note="已上锁", after=[photo()]).status_code == 302
    own = _step(client, notice.id, action="pass")
    assert own.status_code == 400 and "不能复查自己提交的整改" in text_of(own)
    assert _state(notice.id) == "submitted"


def test_reassign_and_extend_need_a_reason_and_are_kept(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    client, _page, _answer = _issue(app, world, "supervisor", "", description="岗亭玻璃破损", location_text="北门岗亭",
                                    assignee_id=world.people["guard"].id)
    [notice] = _notices()
    no_reason = _step(client, notice.id, action="reassign", assignee_id=world.people["engineer"].id)
    assert no_reason.status_code == 400 and "请填写原因" in text_of(no_reason)
    assert _step(client, notice.id, action="reassign", assignee_id=world.people["engineer"].id,
                 note="属于工程维修").status_code == 302
    assert _step(client, notice.id, action="extend", deadline="2026-12-01T18:00", note="等玻璃到货").status_code == 302
    db.session.refresh(notice)
    assert notice.assignee_id == world.people["engineer"].id and notice.deadline.day == 1
    guard = signed_in(app, "guard")
    assert guard.get(f"/notices/{notice.id}").status_code == 404  # no longer theirs, not an overseer
    assert "等玻璃到货" in text_of(client.get(f"/notices/{notice.id}"))


def test_an_overdue_notice_turns_red_on_the_board_and_reaches_the_site_manager(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    _issue(app, world, "supervisor", "", description="消防通道堆放杂物", location_text="2 号楼消防通道",
           assignee_id=world.people["guard"].id, severity="critical", deadline="2026-11-25T14:00")
    [notice] = _notices()
    app.config["ROUNDS_NOW"] = FIXED_NOW + timedelta(hours=5)  # critical: 4 h
    lead = signed_in(app, "lead")
    board = lead.get(f"/sites/{world.site_a.id}/board").get_data(as_text=True)
    block = re.search(r'<section class="card overdue notices-overdue".*?</section>', board, re.S)
    assert block and "消防通道堆放杂物" in block.group(0) and "逾期未整改的通知" in block.group(0)
    manager = signed_in(app, "manager")
    for page in ("/sites/", f"/sites/{world.site_a.id}"):
        html = manager.get(page).get_data(as_text=True)
        assert re.search(r'notices-overdue.*消防通道堆放杂物', html, re.S), page
    listed = manager.get("/notices?overdue=1").get_data(as_text=True)
    assert re.search(r'row notice-line alarm.*消防通道堆放杂物', listed, re.S)
    home = signed_in(app, "guard").get("/guard").get_data(as_text=True)
    assert "card notices-mine overdue" in home and "已超时" in home
    # the lead of site B sees nothing of it
    assert "消防通道堆放杂物" not in signed_in(app, "lead_b").get(f"/sites/{world.site_b.id}/board").get_data(as_text=True)


def test_the_list_filters_by_state_department_and_site(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    _issue(app, world, "supervisor", "", description="绿化带有垃圾", location_text="中心花园",
           assignee_id=world.people["cleaner"].id, department="environment")
    _issue(app, world, "supervisor", "", description="岗亭记录不全", location_text="北门岗亭",
           assignee_id=world.people["guard"].id, department="security")
    client = signed_in(app, "supervisor")
    security = text_of(client.get("/notices?department=security"))
    assert "岗亭记录不全" in security and "绿化带有垃圾" not in security
    assert "共 2 张通知" in text_of(client.get("/notices?state=open"))
    assert "共 0 张通知" in text_of(client.get("/notices?state=closed"))
    assert "共 0 张通知" in text_of(client.get(f"/notices?site={world.site_b.id}"))


def test_another_sites_notice_answers_404_and_issuing_there_is_refused(world, app):
    app.config["ROUNDS_NOW"] = FIXED_NOW
    _issue(app, world, "supervisor", "", description="电梯轿厢有广告纸", location_text="3 号梯",
           assignee_id=world.people["cleaner"].id)
    [notice] = _notices()
    lead_b = signed_in(app, "lead_b")
    assert lead_b.get(f"/notices/{notice.id}").status_code == 404
    page = lead_b.get(f"/sites/{world.site_b.id}/board").get_data(as_text=True)
    answer = lead_b.post(f"/notices/{notice.id}/steps", data={"csrf_token": re.search(
        r'name="csrf_token" value="([^"]+)"', page).group(1), "action": "extend"})
    assert answer.status_code == 404
    assert lead_b.get(f"/notices/new?site={world.site_a.id}").status_code == 404
    assert signed_in(app, "guard").get(f"/notices/{notice.id}").status_code == 404  # same site, not theirs
    assert db.session.scalar(select(func.count()).select_from(QualityStep)) == 1


def test_a_clients_account_is_never_offered_as_the_person_responsible(world, app):
    client = signed_in(app, "supervisor")
    html = client.get(f"/notices/new?site={world.site_a.id}").get_data(as_text=True)
    options = html.split('name="assignee_id"')[1].split("</select>")[0]
    assert world.people["cleaner"].name in options and world.people["client"].name not in options
