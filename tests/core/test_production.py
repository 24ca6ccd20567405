"""Production settings: clean under ``check --deploy``, no start without a SECRET_KEY, private
files and folders closed to other users of the machine. Each case is a fresh process with the
environment a deployment (or the demo) gives it."""

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What the test run (or a developer) set that a deployment would not have.
MODES = (
    "TESTING",
    "DEMO",
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "PROXY_COUNT",
    "SECURE_COOKIES",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def manage(tmp_path, *args, **env) -> subprocess.CompletedProcess:
    """``manage.py`` in a fresh process started with a common umask (022), as from a shell."""
    base = {k: v for k, v in os.environ.items() if k not in MODES}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "GONGJIANG_VAR_DIR": str(tmp_path / "var"), **env},
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: os.umask(0o022),
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_production_settings_pass_the_deployment_checks(tmp_path):
    done = manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="gongjiang.lx.example",
        PROXY_COUNT="1",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "System check identified no issues (0 silenced)."


def test_the_demo_settings_would_not_pass_them(tmp_path):
    """What the production branch adds is what the checks ask for."""
    done = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", DEMO="1")
    assert done.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in done.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    done = manage(tmp_path, "check")
    assert done.returncode != 0
    assert "SECRET_KEY is not set. In production give it in the environment" in done.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


SAVE_A_PHOTO = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
connection.ensure_connection()
print(default_storage.save("photos/x.jpg", ContentFile(b"x")))
"""


def test_the_database_and_private_files_are_0600_in_folders_0700(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    old = var / "gongjiang.sqlite3"
    old.write_bytes(b"")  # a database made before, readable by all
    old.chmod(0o644)
    (var / "private").mkdir(mode=0o755)
    done = manage(tmp_path, "shell", "-c", SAVE_A_PHOTO, DEMO="1")
    assert done.returncode == 0, done.stderr
    saved = var / "private" / done.stdout.strip().splitlines()[-1]
    assert {
        "var": mode(var),
        "database": mode(old),
        "key": mode(var / "secret_key"),  # the demo's own, made once
        "private": mode(var / "private"),
        "photos": mode(saved.parent),
        "photo": mode(saved),
    } == {"var": 0o700, "database": 0o600, "key": 0o600, "private": 0o700, "photos": 0o700, "photo": 0o600}
    assert len((var / "secret_key").read_text()) == 67


def test_a_new_database_is_0600(tmp_path):
    done = manage(tmp_path, "shell", "-c", SAVE_A_PHOTO, DEMO="1")
    assert done.returncode == 0, done.stderr
    assert mode(tmp_path / "var" / "gongjiang.sqlite3") == 0o600
