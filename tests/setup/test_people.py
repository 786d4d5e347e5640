"""People: created with a role, sites and a first password; edited, given a new password, deactivated."""
from __future__ import annotations

from sqlalchemy import select

from tests.conftest import PASSWORD, sign_in
from tests.setup.conftest import audit, count_queries, is_fragment, text
from webapp.extensions import db
from webapp.models import Person, Role, Scan

NEW = {"name": "钱多多", "login": "13800001111", "role": "guard", "language": "zh", "password": "first-pass-1"}


def _person(login: str) -> Person | None:
    db.session.expire_all()
    return db.session.scalar(select(Person).where(Person.login == login))


def test_an_administrator_creates_a_person_who_can_then_sign_in(admin, world, app):
    answer = admin.post("/setup/people", {**NEW, "site_ids": [str(world.site_a.id), str(world.site_b.id)]}, hx=True)
    assert answer.status_code == 200 and is_fragment(answer) and "钱多多" in text(answer.get_data(as_text=True))
    person = _person("13800001111")
    assert person.role == Role.GUARD and {s.code for s in person.sites} == {"A", "B"} and person.active
    assert sign_in(app.test_client(), "13800001111", "first-pass-1").status_code == 302
    (entry, detail), = audit("create", "person")
    assert entry.person_id == world.people["admin"].id and "first-pass-1" not in entry.detail
    assert detail["role"] == "guard" and detail["login"] == "13800001111"


def test_a_login_is_unique_whatever_its_case_and_nothing_typed_is_lost(admin, world):
    answer = admin.post("/setup/people", {**NEW, "login": "GUARD", "name": "重名的人", "site_ids": [str(world.site_a.id)]})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "此手机号或用户名已被使用" in html.split('id="new-person-login-errors"')[1][:200]
    assert 'value="重名的人"' in html and 'value="GUARD"' in html
    assert 'type="password"' in html and "first-pass-1" not in html  # a password is never sent back
    assert _person("GUARD") is None


def test_a_person_needs_a_site_a_good_login_and_a_long_enough_password(admin, world):
    answer = admin.post("/setup/people", {**NEW, "login": "x", "password": "short"}, hx=True)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "请填写手机号" in html.split('id="new-person-login-errors"')[1][:300]
    assert "至少 10 个字符" in html.split('id="new-person-password-errors"')[1][:200]
    assert "请至少勾选一个项目" in html.split('id="new-person-site_ids-errors"')[1][:200]


def test_a_manager_creates_people_for_their_own_sites_only_and_never_an_administrator(manager, world):
    page = manager.get("/setup/people").get_data(as_text=True)
    assert 'value="admin"' not in page and "B 大厦" not in page  # neither offered
    refused = manager.post("/setup/people", {**NEW, "role": "admin", "site_ids": [str(world.site_a.id)]})
    assert refused.status_code == 422 and _person("13800001111") is None
    refused = manager.post("/setup/people", {**NEW, "site_ids": [str(world.site_b.id)]})
    assert refused.status_code == 422 and _person("13800001111") is None
    assert manager.post("/setup/people", {**NEW, "site_ids": [str(world.site_a.id)]}).status_code == 303
    assert [s.code for s in _person("13800001111").sites] == ["A"]


def test_a_manager_sees_and_changes_only_people_who_work_only_at_their_sites(manager, admin, world):
    world.person("roaming", Role.SUPERVISOR, [world.site_a, world.site_b])
    db.session.commit()
    listing = text(manager.get("/setup/people").get_data(as_text=True))
    assert "guard 名字" in listing and "guard_b 名字" not in listing and "roaming 名字" not in listing
    assert "admin 名字" not in listing
    for login in ("guard_b", "roaming", "admin"):
        assert manager.get(f"/setup/people/{world.people[login].id}").status_code == 404, login
        assert manager.post(f"/setup/people/{world.people[login].id}/password", {"password": "taken-over-1"}).status_code == 404
    assert "roaming 名字" in text(admin.get("/setup/people").get_data(as_text=True))


def test_role_and_sites_are_changed_in_place(admin, world):
    guard = world.people["guard"]
    panel = admin.get(f"/setup/people/{guard.id}", hx=True)
    assert is_fragment(panel) and f'id="person-{guard.id}"' in panel.get_data(as_text=True)
    answer = admin.post(f"/setup/people/{guard.id}", {"name": "guard 名字", "role": "lead", "language": "en",
                                                       "site_ids": [str(world.site_b.id)]}, hx=True)
    assert answer.status_code == 200 and f'id="person-form-{guard.id}"' in answer.get_data(as_text=True)
    changed = _person("guard")
    assert changed.role == Role.LEAD and [s.code for s in changed.sites] == ["B"] and changed.language == "en"
    (_e, detail), = audit("update", "person")
    assert detail["role"] == ["guard", "lead"] and detail["sites"] == [[world.site_a.id], [world.site_b.id]]


def test_nobody_changes_their_own_role_or_deactivates_themselves(manager, world):
    me = world.people["manager"]
    answer = manager.post(f"/setup/people/{me.id}", {"name": me.name, "role": "guard", "language": "zh",
                                                     "site_ids": [str(world.site_a.id)]}, hx=True)
    assert answer.status_code == 422 and "不能修改自己的岗位" in text(answer.get_data(as_text=True))
    answer = manager.post(f"/setup/people/{me.id}/status", {"active": "0"}, hx=True)
    assert answer.status_code == 422 and "不能停用自己" in text(answer.get_data(as_text=True))
    assert _person("manager").role == Role.MANAGER and _person("manager").active


def test_a_new_password_replaces_the_old_one(manager, world, app):
    guard = world.people["guard"]
    short = manager.post(f"/setup/people/{guard.id}/password", {"password": "1234"}, hx=True)
    assert short.status_code == 422 and "至少 10 个字符。" in text(short.get_data(as_text=True))
    answer = manager.post(f"/setup/people/{guard.id}/password", {"password": "new-secret-9"}, hx=True)
    assert answer.status_code == 200 and "新密码已设置" in text(answer.get_data(as_text=True))
    assert sign_in(app.test_client(), "guard", PASSWORD).status_code == 401
    assert sign_in(app.test_client(), "guard", "new-secret-9").status_code == 302
    (entry, _d), = audit("reset_password", "person")
    assert "new-secret-9" not in entry.detail


def test_a_deactivated_person_cannot_sign_in_and_their_records_stay(manager, world, app):
    guard = world.people["guard"]
    scan = world.scan(world.checkpoint_a, guard)
    answer = manager.post(f"/setup/people/{guard.id}/status", {"active": "0"}, hx=True)
    assert answer.status_code == 200 and "已停用" in text(answer.get_data(as_text=True))
    assert sign_in(app.test_client(), "guard").status_code == 401
    db.session.expire_all()
    assert db.session.get(Scan, scan.id).person_id == guard.id
    assert "guard 名字" in text(manager.get("/setup/people").get_data(as_text=True))  # still listed, as deactivated
    manager.post(f"/setup/people/{guard.id}/status", {"active": "1"})
    assert sign_in(app.test_client(), "guard").status_code == 302
    assert [e.action for e, _d in audit("deactivate", "person") + audit("reactivate", "person")] == ["deactivate", "reactivate"]


def test_a_deactivated_persons_open_session_ends_at_their_next_page(manager, desk, world):
    guard = desk("guard")
    assert guard.get("/guard").status_code == 200
    manager.post(f"/setup/people/{world.people['guard'].id}/status", {"active": "0"})
    answer = guard.get("/guard")  # Flask-Login counts an inactive person as not signed in
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_the_people_list_loads_in_the_same_queries_for_few_or_many(admin, world, app):
    def load():
        assert admin.get("/setup/people", hx=True).status_code == 200

    few = count_queries(app, load)
    for i in range(25):
        world.person(f"extra{i}", Role.GUARD, [world.site_a, world.site_b])
    db.session.commit()
    assert count_queries(app, load) == few


def test_a_password_must_be_long_not_only_digits_not_the_login_or_name_and_not_common(manager, world, app):
    guard = world.people["guard"]
    for password, says in (("13800001111", "不能全是数字"), ("guard", "至少 10 个字符"), ("GUARD 名字 ", None),
                           ("Password123", "最常见的密码")):
        answer = manager.post(f"/setup/people/{guard.id}/password", {"password": password}, hx=True)
        assert answer.status_code == 422, password
        assert says is None or says in text(answer.get_data(as_text=True)), password
    named = manager.post(f"/setup/people/{guard.id}/password", {"password": "guard 名字 and more"}, hx=True)
    assert named.status_code == 200  # the name inside a longer password is fine
    new = {**NEW, "login": "zhangsan-123", "password": "zhangsan-123", "site_ids": [str(world.site_a.id)]}
    answer = manager.post("/setup/people", new, hx=True)
    assert answer.status_code == 422 and "不能与手机号或用户名相同" in text(answer.get_data(as_text=True))
    answer = manager.post("/setup/people", {**new, "name": "Zhang San Feng", "password": "zhang san feng"}, hx=True)
    assert answer.status_code == 422 and "不能与姓名相同" in text(answer.get_data(as_text=True))
    assert _person("zhangsan-123") is None
    page = text(manager.get(f"/setup/people/{guard.id}").get_data(as_text=True))
    assert "至少 10 个字符，不能全是数字" in page  # the rule is said beside the field


def test_a_manager_ends_every_session_of_a_lost_phones_owner(manager, desk, world, app):
    phone, laptop = desk("guard"), desk("guard")
    assert phone.get("/guard").status_code == 200 and laptop.get("/guard").status_code == 200
    guard = world.people["guard"]
    page = manager.get(f"/setup/people/{guard.id}").get_data(as_text=True)
    assert f'action="/setup/people/{guard.id}/sessions"' in page and "结束全部会话" in page
    answer = manager.post(f"/setup/people/{guard.id}/sessions", hx=True)
    assert answer.status_code == 200 and "已在所有设备上退出登录" in text(answer.get_data(as_text=True))
    for client in (phone, laptop):
        gone = client.get("/guard")
        assert gone.status_code == 302 and "/login" in gone.headers["Location"]
        assert client.get("/api/v1/me").status_code == 401
    assert manager.get("/setup/people").status_code == 200  # the manager's own session stays
    (entry, _d), = audit("end_sessions", "person")
    assert entry.person_id == world.people["manager"].id and entry.entity_id == str(guard.id)
    assert sign_in(app.test_client(), "guard").status_code == 302  # the password still works


def test_sessions_of_people_elsewhere_cannot_be_ended(manager, world):
    for login in ("guard_b", "admin"):
        assert manager.post(f"/setup/people/{world.people[login].id}/sessions").status_code == 404
    assert audit("end_sessions") == []
