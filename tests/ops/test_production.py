"""Production settings: `check --deploy` is clean, and the real stack boots and answers."""

import http.client
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT, free_port, run_manage

HOST = "modelhub.example.com"


def test_check_deploy_with_production_settings_finds_no_issues(production_env):
    result = run_manage(production_env, "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert result.stderr == ""


def test_check_deploy_without_https_reports_the_missing_protections(production_env):
    env = {**production_env, "MODELHUB_HTTPS": "0"}
    result = run_manage(env, "check", "--deploy")
    assert "security.W004" in result.stderr  # HSTS
    assert "security.W008" in result.stderr  # HTTPS redirect
    assert "security.W012" in result.stderr  # secure session cookie


def test_production_refuses_to_start_with_the_development_secret_key(production_env):
    env = {k: v for k, v in production_env.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage(env, "check")
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_an_unknown_log_format_is_refused(production_env):
    result = run_manage({**production_env, "MODELHUB_LOG_FORMAT": "xml"}, "check")
    assert result.returncode != 0
    assert "MODELHUB_LOG_FORMAT must be one of plain, json" in result.stderr


def _get(port, path, headers=None, timeout=5) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": HOST, **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def _wait_until_listening(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}")
        try:
            return _get(port, "/healthz")
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer in time")


@pytest.mark.s3
def test_gunicorn_with_postgresql_and_s3_serves_healthz(production_env, pg_database, moto_s3):
    env = {
        **production_env,
        "DATABASE_URL": pg_database,
        "MODELHUB_S3_BUCKET": moto_s3["bucket"],
        "MODELHUB_S3_ENDPOINT_URL": moto_s3["endpoint"],
        "MODELHUB_S3_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "MODELHUB_WEB_WORKERS": "1",
        "MODELHUB_WEB_THREADS": "2",
        "MODELHUB_LOG_FORMAT": "json",
    }
    for step in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        result = run_manage(env, *step)
        assert result.returncode == 0, result.stderr
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and config)
        [sys.executable, "-m", "gunicorn", "-c", "modelhub/gunicorn.conf.py"]
        + ["--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        status, _, body = _wait_until_listening(port, server)
        login = _get(port, "/accounts/login/", {"X-Forwarded-Proto": "https"})
    finally:
        server.terminate()
        access_log, error_log = server.communicate(timeout=60)

    assert (status, body) == (200, b"ok")
    login_status, login_headers, login_body = login
    assert login_status == 200, error_log
    assert b"Sign in" in login_body
    assert login_headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "script-src 'self'" in login_headers["Content-Security-Policy"]
    first_access = json.loads(access_log.splitlines()[0])
    assert first_access["path"] == "/healthz"
    assert first_access["status"] == 200


@pytest.mark.s3
def test_with_postgresql_and_s3_nothing_is_written_to_the_data_dir(
    production_env, pg_database, moto_s3
):
    env = {
        **production_env,
        "DATABASE_URL": pg_database,
        "MODELHUB_S3_BUCKET": moto_s3["bucket"],
        "MODELHUB_S3_ENDPOINT_URL": moto_s3["endpoint"],
    }
    result = run_manage(env, "check", "--deploy")
    assert result.returncode == 0, result.stderr
    assert not Path(env["MODELHUB_DATA_DIR"]).exists()


def test_a_local_install_keeps_its_secret_key_in_the_data_dir(production_env):
    env = {k: v for k, v in production_env.items() if k != "DJANGO_SECRET_KEY"}
    env["MODELHUB_HTTPS"] = "0"
    result = run_manage(env, "check")
    assert result.returncode == 0, result.stderr
    data_dir = Path(env["MODELHUB_DATA_DIR"])
    assert [p.name for p in data_dir.iterdir()] == ["secret_key"]


@pytest.mark.s3
def test_production_settings_store_files_in_the_bucket(production_env, moto_s3, tmp_path):
    env = {
        **production_env,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MODELHUB_S3_BUCKET": moto_s3["bucket"],
        "MODELHUB_S3_ENDPOINT_URL": moto_s3["endpoint"],
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    script = (
        "from django.core.files.base import ContentFile;"
        "from django.core.files.storage import default_storage;"
        "print(default_storage.save('probe/hello.txt', ContentFile(b'hello')))"
    )
    result = run_manage(env, "shell", "-c", script)
    assert result.returncode == 0, result.stderr
    stored = moto_s3["client"].get_object(Bucket=moto_s3["bucket"], Key="probe/hello.txt")
    assert stored["Body"].read() == b"hello"


def test_an_smtp_url_configures_outgoing_mail(production_env):
    env = {**production_env, "MODELHUB_EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.com:587"}
    script = (
        "from django.conf import settings as s;"
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_USE_TLS)"
    )
    result = run_manage(env, "shell", "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-5:] == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.com",
        "587",
        "mailer",
        "True",
    ]


def test_a_service_user_runs_the_checks_from_a_checkout_it_cannot_write(production_env, tmp_path):
    """The guide's layout: the code root-owned and read-only, the service user owning no
    folder of it. The data dir's parent is unwritable, so making the dir would fail."""
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    readonly.chmod(0o555)
    env = {
        **production_env,
        "MODELHUB_DATA_DIR": str(readonly / "data"),
        "DATABASE_URL": "postgres://modelhub@db.internal:5432/modelhub",
        "MODELHUB_S3_BUCKET": "modelhub-artifacts",
        "HOME": str(readonly),
    }
    # Root writes anywhere: drop to an unprivileged user (`nobody`) as systemd's User= does.
    as_service_user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    result = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [*(as_service_user if os.geteuid() == 0 else []), sys.executable, "manage.py"]
        + ["check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert not (readonly / "data").exists()
