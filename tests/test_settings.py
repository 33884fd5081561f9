"""Production settings: refuse unsafe keys and hosts; pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings.guard import (
    DEVELOPMENT_BLIND_INDEX_KEY,
    DEVELOPMENT_ENCRYPTION_KEYS,
    DEVELOPMENT_SECRET_KEY,
)
from privacy.crypto import generate_key

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "x" * 20 + "a-strong-production-secret-key-0123456789!@#$%^&*"
HOST = "complaints.example.edu.cn"
GOOD_KEYS = {"FIELD_ENCRYPTION_KEYS": f"k1:{generate_key()}", "BLIND_INDEX_KEY": generate_key()}
MAIL = {"EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.edu.cn:587"}


def run_manage(*args: str, **env_overrides: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "EMAIL_URL"))
    }
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": HOST, **GOOD_KEYS}, "SECRET_KEY"),
        ({"SECRET_KEY": DEVELOPMENT_SECRET_KEY, "ALLOWED_HOSTS": HOST, **GOOD_KEYS}, "SECRET_KEY"),
        ({"SECRET_KEY": STRONG_KEY, **GOOD_KEYS}, "ALLOWED_HOSTS"),
        (
            {"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": HOST, "BLIND_INDEX_KEY": generate_key()},
            "FIELD_ENCRYPTION_KEYS",
        ),
        (
            {
                **GOOD_KEYS,
                "SECRET_KEY": STRONG_KEY,
                "ALLOWED_HOSTS": HOST,
                "FIELD_ENCRYPTION_KEYS": DEVELOPMENT_ENCRYPTION_KEYS[0],
            },
            "FIELD_ENCRYPTION_KEYS",
        ),
        (
            {**GOOD_KEYS, "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": HOST, "BLIND_INDEX_KEY": ""},
            "BLIND_INDEX_KEY",
        ),
        (
            {
                **GOOD_KEYS,
                "SECRET_KEY": STRONG_KEY,
                "ALLOWED_HOSTS": HOST,
                "BLIND_INDEX_KEY": DEVELOPMENT_BLIND_INDEX_KEY,
            },
            "BLIND_INDEX_KEY",
        ),
        ({**GOOD_KEYS, "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": HOST}, "EMAIL_URL"),
        (
            {**GOOD_KEYS, "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": HOST, "EMAIL_URL": "consolemail://"},
            "EMAIL_URL",
        ),
        (
            {**GOOD_KEYS, "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": HOST, "EMAIL_URL": "dummymail://"},
            "EMAIL_URL",
        ),
    ],
)
def test_production_refuses_to_start_on_unsafe_settings(env, message):
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_local_settings_with_debug_off_refuse_the_development_key():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="config.settings.local", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_deployment_checks_pass_with_production_like_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS=HOST,
        **GOOD_KEYS,
        **MAIL,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout
