"""Configuration comes from the environment, with defaults that are safe."""
import pytest

from webapp import create_app


def test_production_refuses_to_start_with_the_default_secret_key(monkeypatch):
    monkeypatch.setenv("ROUNDS_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_production_with_a_secret_uses_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("ROUNDS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-from-the-vault")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "p.sqlite3"))
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("p.sqlite3")


def test_the_defaults_are_sqlite_in_instance_shanghai_and_chinese(monkeypatch):
    for name in ("DATABASE_URL", "DEFAULT_TIMEZONE", "DEFAULT_LANGUAGE", "ROUNDS_ENV", "SESSION_HOURS"):
        monkeypatch.delenv(name, raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///") and "instance" in app.config["SQLALCHEMY_DATABASE_URI"]
    assert app.config["DEFAULT_TIMEZONE"] == "Asia/Shanghai" and app.config["BABEL_DEFAULT_LOCALE"] == "zh"
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 14 * 3600
    assert not app.config["SESSION_COOKIE_SECURE"]


@pytest.mark.parametrize("settings, complaint", [
    ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND"),
    ({"STORAGE_BACKEND": "s3", "S3_BUCKET": ""}, "S3_BUCKET"),
    ({"STORAGE_BACKEND": "s3", "S3_BUCKET": "b", "S3_ADDRESSING_STYLE": "sideways"}, "S3_ADDRESSING_STYLE"),
])
def test_an_object_store_set_up_wrongly_refuses_to_start(monkeypatch, settings, complaint):
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match=complaint):
        create_app()


def test_the_store_is_a_local_directory_unless_s3_is_chosen(monkeypatch):
    monkeypatch.delenv("STORAGE_BACKEND", raising=False)
    assert create_app().config["STORAGE_BACKEND"] == "local"
    monkeypatch.setenv("STORAGE_BACKEND", "S3")
    monkeypatch.setenv("S3_BUCKET", "rounds-photos")
    assert create_app().config["STORAGE_BACKEND"] == "s3"


def test_behind_one_proxy_the_clients_address_comes_from_x_forwarded_for(monkeypatch):
    from flask import request

    monkeypatch.setenv("PROXY_HOPS", "1")
    app = create_app({"TESTING": True})
    with app.test_request_context("/", headers={"X-Forwarded-For": "203.0.113.7"}, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        app.wsgi_app(request.environ, lambda *a: None)
        assert request.environ.get("werkzeug.proxy_fix.orig", {}).get("REMOTE_ADDR") == "127.0.0.1"
        assert request.environ["REMOTE_ADDR"] == "203.0.113.7"
