"""Settings from the environment, with safe defaults."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

DEV_SECRET = "dev-only-change-me"  # noqa: S105 (the default production refuses)


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load(instance_path: str) -> dict:
    """Build the app's configuration from environment variables."""
    env = os.environ.get("ROUNDS_ENV", "development")
    default_db = "sqlite:///" + str(Path(instance_path) / "rounds.sqlite3")
    production = env == "production"
    return {
        "ROUNDS_ENV": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEV_SECRET),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", default_db),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=float(os.environ.get("SESSION_HOURS", "14"))),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session (a whole shift)
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted (1 behind nginx; 0: none)
        "PROXY_HOPS": int(os.environ.get("PROXY_HOPS", "0")),
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000"),
        "DEFAULT_TIMEZONE": os.environ.get("DEFAULT_TIMEZONE", "Asia/Shanghai"),
        "BABEL_DEFAULT_LOCALE": os.environ.get("DEFAULT_LANGUAGE", "zh"),
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LANGUAGES": ("zh", "en"),
        "LABEL_FONT": os.environ.get("LABEL_FONT", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
        "IMPORT_MAX_BYTES": int(os.environ.get("IMPORT_MAX_BYTES", str(1024 * 1024))),
        "IMPORT_MAX_ROWS": int(os.environ.get("IMPORT_MAX_ROWS", "1000")),
        "PHOTO_MAX_MB": float(os.environ.get("PHOTO_MAX_MB", "15")),
        "PHOTO_MAX_MEGAPIXELS": float(os.environ.get("PHOTO_MAX_MEGAPIXELS", "50")),
        "PHOTO_LONG_SIDE": int(os.environ.get("PHOTO_LONG_SIDE", "1600")),
        "PHOTO_ROOT": os.environ.get("PHOTO_ROOT", str(Path(instance_path) / "photos")),
        "PHOTO_FONT": os.environ.get("PHOTO_FONT", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
        "HANDOVER_OVERDUE_MINUTES": int(os.environ.get("HANDOVER_OVERDUE_MINUTES", "30")),
        "INACTIVITY_MINUTES": int(os.environ.get("INACTIVITY_MINUTES", "150")),
        # a miss is provisional while a phone that matters may still hold records, at most this long after its window
        "PROVISIONAL_HOURS": float(os.environ.get("PROVISIONAL_HOURS", "24")),
        "PHONE_RECENT_DAYS": int(os.environ.get("PHONE_RECENT_DAYS", "7")),  # a phone synced within this counts
        "CLOCK_SKEW_LIMIT_S": float(os.environ.get("CLOCK_SKEW_LIMIT_S", "120")),
        "MAX_CONTENT_LENGTH": int(float(os.environ.get("MAX_UPLOAD_MB", "40")) * 1024 * 1024),
        # scheduled reports: huey on SQLite in the instance folder, or on Redis when HUEY_REDIS_URL is set
        "HUEY_REDIS_URL": os.environ.get("HUEY_REDIS_URL", ""),
        "HUEY_FILE": os.environ.get("HUEY_FILE", str(Path(instance_path) / "huey.sqlite3")),
        "HUEY_IMMEDIATE": _bool("HUEY_IMMEDIATE", False),
        # alerts (webapp/alerts): email over SMTP, Web Push signed with a VAPID key (PEM file or base64url raw key)
        "ALERT_SMTP_HOST": os.environ.get("ALERT_SMTP_HOST", ""),
        "ALERT_SMTP_PORT": int(os.environ.get("ALERT_SMTP_PORT", "25")),
        "ALERT_SMTP_STARTTLS": _bool("ALERT_SMTP_STARTTLS", False),
        "ALERT_SMTP_USER": os.environ.get("ALERT_SMTP_USER", ""),
        "ALERT_SMTP_PASSWORD": os.environ.get("ALERT_SMTP_PASSWORD", ""),
        "ALERT_MAIL_FROM": os.environ.get("ALERT_MAIL_FROM", "rounds-alerts@localhost"),
        "ALERT_VAPID_PRIVATE_KEY": os.environ.get("ALERT_VAPID_PRIVATE_KEY", ""),
        "ALERT_VAPID_PUBLIC_KEY": os.environ.get("ALERT_VAPID_PUBLIC_KEY", ""),
        "ALERT_VAPID_SUBJECT": os.environ.get("ALERT_VAPID_SUBJECT", "mailto:alerts@localhost"),
        "REPORT_ROOT": os.environ.get("REPORT_ROOT", str(Path(instance_path) / "reports")),
        # photos and report files: "local" (PHOTO_ROOT, REPORT_ROOT) or "s3", any S3-compatible store (AWS S3, 阿里云 OSS,
        # 腾讯云 COS, MinIO): one private bucket, objects under <S3_PREFIX>photos/ and <S3_PREFIX>reports/
        "STORAGE_BACKEND": os.environ.get("STORAGE_BACKEND", "local").strip().lower(),
        "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL", ""),
        "S3_BUCKET": os.environ.get("S3_BUCKET", ""),
        "S3_PREFIX": os.environ.get("S3_PREFIX", ""),
        "S3_REGION": os.environ.get("S3_REGION", ""),
        "S3_ACCESS_KEY_ID": os.environ.get("S3_ACCESS_KEY_ID", ""),
        "S3_SECRET_ACCESS_KEY": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
        "S3_ADDRESSING_STYLE": os.environ.get("S3_ADDRESSING_STYLE", "path"),  # "path", "virtual" (OSS, COS) or "auto"
        "S3_TIMEOUT_S": float(os.environ.get("S3_TIMEOUT_S", "5")),
        # the handover chain's anchors outside the database: the Ed25519 sealing key (never in the database or a backup)
        # and the append-only file of witnessed chain heads
        "SEAL_KEY": os.environ.get("SEAL_KEY", ""),
        "SEAL_KEY_FILE": os.environ.get("SEAL_KEY_FILE", ""),
        "CHAIN_WITNESS_FILE": os.environ.get("CHAIN_WITNESS_FILE", str(Path(instance_path) / "chain-witness.jsonl")),
    }


def check(config: dict) -> None:
    """Refuse settings that must never reach production."""
    if config["ROUNDS_ENV"] == "production" and config["SECRET_KEY"] == DEV_SECRET:
        raise RuntimeError("SECRET_KEY must be set in production (ROUNDS_ENV=production)")
    if config["STORAGE_BACKEND"] not in {"local", "s3"}:
        raise RuntimeError(f"STORAGE_BACKEND must be 'local' or 's3', not {config['STORAGE_BACKEND']!r}")
    if config["STORAGE_BACKEND"] == "s3" and not config["S3_BUCKET"]:
        raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET (and S3_ENDPOINT_URL for a service other than AWS)")
    if config["S3_ADDRESSING_STYLE"] not in {"path", "virtual", "auto"}:
        raise RuntimeError("S3_ADDRESSING_STYLE must be 'path', 'virtual' or 'auto'")
