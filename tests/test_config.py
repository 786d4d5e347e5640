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
