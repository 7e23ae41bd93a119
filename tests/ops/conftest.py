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


def _version_with_files(model, name, number, paths, user):
    from models_app.versions.models import ModelVersion, VersionFile

    version = ModelVersion.objects.create(model=model, name=name, number=number, created_by=user)
    for path in paths:
        VersionFile.objects.create(
            version=version,
            path=path,
            storage_key=f"artifacts/{model.uuid}/{secrets.token_hex(8)}",
            size_bytes=1024,
            sha256="0" * 64,
            uploaded_by=user,
        )
    return version


@pytest.fixture
def owner_with_content(owner, model, viewer):
    """The sample model with a tag, two versions (v1 with two files), a share, an event,
    and a group, so that every admin page has a row to show."""
    from django.contrib.auth.models import Group

    from models_app.audit.models import AuditAction
    from models_app.audit.services import audit_record
    from tests.factories import TagFactory, TenantDomainFactory

    TenantDomainFactory(tenant=owner.tenant, domain="acme.test")
    model.tags.set([TagFactory(name="PyTorch")])
    _version_with_files(model, "v1", 1, ["weights/model.bin", "config.json"], owner)
    _version_with_files(model, "v2", 2, ["weights/model.bin"], owner)
    audit_record(owner, AuditAction.MODEL_CREATED, model)
    Group.objects.create(name="operators")
    return owner


@pytest.fixture
def many_models(acme, globex):
    """Thirty models over many owners and two tenants, each with versions, files, shares."""
    from models_app.audit.models import AuditAction
    from models_app.audit.services import audit_record
    from tests.factories import AIModelFactory, ShareFactory, TagFactory, UserFactory

    tags = [TagFactory(name=f"tag-{n}") for n in range(3)]
    for n in range(30):
        owner = UserFactory(tenant=acme if n % 2 else globex)
        model = AIModelFactory(owner=owner, tags=tags)
        ShareFactory(model=model, user=UserFactory(tenant=acme))
        _version_with_files(model, "v1", 1, ["a.bin", "b.bin"], owner)
        audit_record(owner, AuditAction.MODEL_CREATED, model)


def admin_data(model, shares=(), **overrides) -> dict:
    """The POST of the model's admin change form: its fields and both inline formsets."""
    data = {
        "owner": model.owner_id,
        "title": model.title,
        "description": model.description,
        "base_model": model.base_model,
        "parameter_count": model.parameter_count or "",
        "ip_allowlist": model.ip_allowlist,
        "overview": model.overview,
        "tags": [t.pk for t in model.tags.all()],
        "shares-TOTAL_FORMS": len(shares),
        "shares-INITIAL_FORMS": sum(1 for row in shares if row.get("id")),
        "shares-MIN_NUM_FORMS": 0,
        "shares-MAX_NUM_FORMS": 1000,
        "versions-TOTAL_FORMS": 0,
        "versions-INITIAL_FORMS": 0,
        "versions-MIN_NUM_FORMS": 0,
        "versions-MAX_NUM_FORMS": 0,
    }
    for index, row in enumerate(shares):
        for key, value in row.items():
            data[f"shares-{index}-{key}"] = value
        data[f"shares-{index}-model"] = model.pk
    data.update(overrides)
    return data
