"""Signing in and out, sessions that last a shift, and the language a person reads."""
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import PASSWORD, csrf_from, sign_in
from webapp.extensions import db
from webapp.models import AuditEntry, Person

LANDING = {"guard": "/guard", "cleaner": "/cleaner", "lead": "/lead", "supervisor": "/sites/", "manager": "/sites/",
           "admin": "/sites/"}


def test_each_role_lands_on_its_own_page(world, app):
    for login, path in LANDING.items():
        client = app.test_client()
        answer = sign_in(client, login)
        assert answer.status_code == 302 and answer.headers["Location"] == path, login
        assert client.get(path).status_code == 200


def test_a_login_is_found_whatever_its_case_and_surrounding_spaces(world, client):
    assert sign_in(client, "  GUARD ").headers["Location"] == "/guard"


def test_a_wrong_password_is_refused_with_a_message_in_chinese_and_the_login_kept(world, client):
    answer = sign_in(client, "guard", "wrong")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 401
    assert "手机号/用户名或密码错误" in page
    assert 'value="guard"' in page
    assert client.get("/guard").status_code == 302


def test_an_empty_form_says_what_is_missing_beside_the_fields(world, client):
    page = client.get("/login").get_data(as_text=True)
    answer = client.post("/login", data={"csrf_token": csrf_from(page)})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "请输入手机号或用户名。" in text and "请输入密码。" in text


def test_a_deactivated_person_cannot_sign_in_and_their_session_ends(world, app):
    client = app.test_client()
    assert sign_in(client, "guard").status_code == 302
    world.people["guard"].active = False
    db.session.commit()
    assert client.get("/guard").status_code == 302  # sent back to sign in
    answer = sign_in(app.test_client(), "guard")
    assert answer.status_code == 401


def test_signing_out_ends_the_session(world, client):
    sign_in(client, "lead")
    page = client.get("/lead").get_data(as_text=True)
    answer = client.post("/logout", data={"csrf_token": csrf_from(page)})
    assert answer.status_code == 302 and answer.headers["Location"] == "/login"
    assert client.get("/lead").headers["Location"].startswith("/login")


def test_the_session_lasts_a_working_shift(world, client, app):
    answer = sign_in(client, "guard")
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert app.permanent_session_lifetime == timedelta(hours=14)


def test_after_sign_in_the_page_asked_for_opens_but_never_another_host(world, app):
    client = app.test_client()
    login_page = client.get(f"/sites/{world.site_a.id}")
    assert login_page.headers["Location"] == f"/login?next=/sites/{world.site_a.id}"
    page = client.get(login_page.headers["Location"]).get_data(as_text=True)
    answer = client.post("/login", data={"login": "manager", "password": PASSWORD, "csrf_token": csrf_from(page),
                                         "next": f"/sites/{world.site_a.id}"})
    assert answer.headers["Location"] == f"/sites/{world.site_a.id}"
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        answer = client.post("/login", data={"login": "manager", "password": PASSWORD, "csrf_token": csrf_from(page),
                                             "next": target})
        assert answer.headers["Location"] == "/sites/", target


def test_the_language_can_be_switched_on_the_sign_in_page(world, client):
    page = client.get("/login").get_data(as_text=True)
    assert "登录" in page and 'lang="zh-Hans"' in page
    answer = client.post("/language", data={"lang": "en", "next": "/login", "csrf_token": csrf_from(page)})
    assert answer.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in" in page and "Phone number or username" in page and 'lang="en"' in page
    answer = sign_in(client, "guard", "wrong")
    assert "Wrong phone number/username or password" in answer.get_data(as_text=True)


def test_a_person_reads_their_own_language_and_keeps_a_new_choice(world, app):
    world.people["supervisor"].language = "en"
    db.session.commit()
    client = app.test_client()
    sign_in(client, "supervisor")
    page = client.get("/sites/").get_data(as_text=True)
    assert "Sites" in page and "Sign out" in page
    client.post("/language", data={"lang": "zh", "next": "/sites/", "csrf_token": csrf_from(page)})
    db.session.expire_all()
    assert db.session.get(Person, world.people["supervisor"].id).language == "zh"
    assert "退出登录" in client.get("/sites/").get_data(as_text=True)


def test_an_unknown_language_is_refused(world, client):
    page = client.get("/login").get_data(as_text=True)
    answer = client.post("/language", data={"lang": "fr", "csrf_token": csrf_from(page)})
    assert answer.status_code == 400 and "不支持的语言" in answer.get_data(as_text=True)


def test_sign_ins_and_failures_are_audited(world, client):
    sign_in(client, "guard", "wrong")
    sign_in(client, "guard")
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["sign_in_failed", "sign_in"]


def test_passwords_are_stored_as_salted_hashes(world):
    person = world.people["guard"]
    assert PASSWORD not in person.password_hash and person.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert person.check_password(PASSWORD) and not person.check_password(PASSWORD + "x")
