import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def missing_database_name():
    name = f"lr_ensure_{uuid.uuid4().hex[:10]}"
    yield name
    connection = psycopg2.connect(dbname="postgres", host="127.0.0.1", user="root")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    connection.close()


def database_exists(name: str) -> bool:
    connection = psycopg2.connect(dbname="postgres", host="127.0.0.1", user="root")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        found = cursor.fetchone() is not None
    connection.close()
    return found


def test_ensure_database_creates_a_missing_database_then_leaves_it(missing_database_name):
    env = {**os.environ, "DATABASE_URL": f"postgres://root@127.0.0.1:5432/{missing_database_name}"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    command = [sys.executable, "manage.py", "ensure_database"]

    first = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert "Created database" in first.stdout
    assert database_exists(missing_database_name)

    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0
    assert "exists" in second.stdout
