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


def local_settings(code: str, **env_overrides: str) -> str:
    """Run ``code`` with the local (development) settings loaded and the given environment; return stdout."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECRET_KEY", "DEBUG", "PORT", "SITE_URL", "EMAIL_URL", "TZ"))
    }
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.local", **env_overrides})
    script = f"import django\ndjango.setup()\nfrom django.conf import settings\n{code}"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(
    ("env", "site_url"),
    [
        ({}, "http://localhost:8000"),
        ({"PORT": "8123"}, "http://localhost:8123"),
        (
            {"PORT": "8123", "SITE_URL": "https://complaints.example.edu.cn"},
            "https://complaints.example.edu.cn",
        ),
    ],
)
def test_links_in_e_mails_follow_the_port_unless_site_url_is_set(env, site_url):
    assert local_settings("print(settings.SITE_URL)", **env).strip() == site_url


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({}, "notifications.email.ConsoleSummaryEmailBackend"),
        ({"EMAIL_URL": "consolemail://"}, "notifications.email.ConsoleSummaryEmailBackend"),
        (
            {"EMAIL_URL": "smtp+tls://user:secret@smtp.example.com:587"},
            "django.core.mail.backends.smtp.EmailBackend",
        ),
        ({"EMAIL_URL": "filemail:///tmp/mail"}, "django.core.mail.backends.filebased.EmailBackend"),
    ],
)
def test_console_e_mail_is_printed_short_and_other_backends_are_kept(env, backend):
    assert local_settings("print(settings.EMAIL_BACKEND)", **env).strip() == backend


def test_worker_prints_are_information_and_every_log_time_is_the_institutions():
    # given a process whose own time zone is UTC, as honcho and a server's shell often are
    code = """
import logging
from config.celery import app
print(app.conf.worker_redirect_stdouts_level)
print(app.conf.worker_log_datefmt == app.conf.worker_task_log_datefmt == settings.LOG_DATE_FORMAT)
record = logging.LogRecord("x", logging.INFO, "x.py", 1, "hello", None, None, None)
record.created = 1775793600.0  # 2026-04-10 04:00:00 UTC
handler = logging.getLogger().handlers[0]
print(handler.formatter.format(record))
print(logging.getLogger("django.server").handlers[0].formatter is handler.formatter)
"""
    # when the settings are loaded and a line is logged
    lines = local_settings(code, TZ="UTC").splitlines()

    # then prints from tasks are INFO, and the line is stamped in Asia/Shanghai with its offset
    assert lines == [
        "INFO",
        "True",
        "2026-04-10 12:00:00+0800 INFO x hello",
        "True",
    ]


@pytest.mark.django_db
def test_the_benchmarks_trivial_page_is_not_routed_outside_the_bench_settings(client):
    from django.conf import settings

    from accounts.tests.factories import LearnerFactory

    assert settings.BENCH_URLS is False
    client.force_login(LearnerFactory())
    assert client.get("/bench/trivial/").status_code == 404
    assert client.post("/bench/trivial/").status_code == 404


ENTRY_POINTS = ("manage.py", "config/celery.py", "config/wsgi.py", "config/asgi.py")


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_every_entry_point_takes_its_settings_from_the_one_default(entry):
    source = (ROOT / entry).read_text()
    assert "settings_module_default()" in source
    assert "DJANGO_SETTINGS_MODULE" not in source  # no entry point names settings of its own


def test_the_default_is_production_unless_the_environment_or_dotenv_names_others(tmp_path, monkeypatch):
    from config import entry

    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    monkeypatch.setattr(entry, "DOTENV", tmp_path / ".env")
    assert entry.settings_module_default() == "config.settings.production"

    monkeypatch.delenv("DJANGO_SETTINGS_MODULE")
    (tmp_path / ".env").write_text("DJANGO_SETTINGS_MODULE=config.settings.local\n")
    assert entry.settings_module_default() == "config.settings.local"

    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings.test")
    assert entry.settings_module_default() == "config.settings.test"


def test_a_worker_started_with_the_production_variables_runs_without_debug(tmp_path):
    environment = {
        **{
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "EMAIL_URL"))
        },
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": HOST,
        **GOOD_KEYS,
        **MAIL,
    }
    # A production host: no DJANGO_SETTINGS_MODULE and no .env (the checkout's own is set aside).
    environment["DOTENV_PATH"] = str(tmp_path / "absent.env")
    show_debug = (
        "import config.celery, django; django.setup(); from django.conf import settings; "
        "print(settings.SETTINGS_MODULE, settings.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", show_debug],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "config.settings.production False"
