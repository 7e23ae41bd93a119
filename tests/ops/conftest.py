"""Fixtures for the production tests: a settings environment, PostgreSQL, moto S3."""

import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER_URL = os.environ.get("MODELHUB_TEST_PG_SERVER", "postgres://postgres@127.0.0.1:5432")


@pytest.fixture
def production_env(tmp_path):
    """The environment of a production server, without anything inherited from the tests."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "modelhub.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "modelhub.example.com",
        "MODELHUB_HTTPS": "1",
        "MODELHUB_DATA_DIR": str(tmp_path / "data"),
        "MODELHUB_STATIC_ROOT": str(tmp_path / "static"),
    }


def run_manage(env, *args, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def moto_s3():
    """A moto S3 server on a random loopback port with the bucket `modelhub-test`."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **credentials)
    s3.create_bucket(Bucket="modelhub-test")
    yield {"endpoint": endpoint, "bucket": "modelhub-test", "client": s3}
    server.stop()


@pytest.fixture
def pg_database():
    """A PostgreSQL database of its own for one test, dropped afterwards; yields its URL."""
    import psycopg

    name = f"modelhub_boot_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(f"{PG_SERVER_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{PG_SERVER_URL}/{name}"
    with psycopg.connect(f"{PG_SERVER_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
