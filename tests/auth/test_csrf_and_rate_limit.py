"""Forms need their CSRF token; sign-in attempts are rate-limited with a clear message."""
from tests.conftest import PASSWORD, csrf_from, make_app, sign_in
from webapp.extensions import limiter


def test_a_sign_in_without_the_csrf_token_is_refused(world, client):
    answer = client.post("/login", data={"login": "guard", "password": PASSWORD})
    assert answer.status_code == 400
    assert "表单已过期或并非来自本系统" in answer.get_data(as_text=True)
    assert client.get("/guard").status_code == 302


def test_a_sign_out_with_a_forged_token_is_refused_and_the_session_stays(world, client):
    sign_in(client, "guard")
    answer = client.post("/logout", data={"csrf_token": "forged"})
    assert answer.status_code == 400
    assert client.get("/guard").status_code == 200


def test_an_htmx_request_carries_the_token_in_its_header(world, client):
    sign_in(client, "guard")
    page = client.get("/guard").get_data(as_text=True)
    token = csrf_from(page)
    assert f'"X-CSRFToken": "{token}"' in page  # set once on <body> for every htmx request (htmx 2 inherits it)
    refused = client.post("/language", data={"lang": "en"}, headers={"HX-Request": "true"})
    assert refused.status_code == 400
    accepted = client.post("/language", data={"lang": "en"}, headers={"HX-Request": "true", "X-CSRFToken": token})
    assert accepted.status_code == 302


def test_too_many_sign_in_attempts_are_refused_with_a_clear_message(world, database_url):
    app = make_app(database_url, LOGIN_RATE_LIMIT="3 per minute")
    limiter.reset()
    client = app.test_client()
    for _ in range(3):
        assert sign_in(client, "guard", "guess").status_code == 401
    blocked = sign_in(client, "guard", PASSWORD)
    assert blocked.status_code == 429
    assert "登录尝试次数过多，请一分钟后再试。" in blocked.get_data(as_text=True)
    assert "Retry-After" in blocked.headers
    assert client.get("/guard").status_code == 302
    limiter.reset()


def test_the_limit_also_holds_per_login_from_many_addresses(world, database_url):
    app = make_app(database_url, LOGIN_RATE_LIMIT="3 per minute")
    limiter.reset()
    for n in range(3):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n + 1}"
        assert sign_in(client, "cleaner", "guess").status_code == 401
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.99"
    assert sign_in(client, "cleaner", "guess").status_code == 429
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.100"
    assert sign_in(other, "guard").status_code == 302  # another person is not locked out
    limiter.reset()
