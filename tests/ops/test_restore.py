"""Back up, delete, restore: every byte of the deleted model comes back (issue 15).

The procedure is `docs/deploy.md` §7's, command for command, on a PostgreSQL database and an
S3 bucket of the test's own (moto), with the management commands as the app: a database made
for the app's role, `migrate`, a model with files, `pg_dump --format=custom`, the model
deleted through the service, then the restore — the app stopped (nothing runs between the
commands), `dropdb`, `createdb --owner`, `pg_restore --no-owner --role` — and the checks the
guide asks for. It runs on a database of its own rather than the test database, which
pytest-django holds open for the whole session and could not drop, so it runs (and must pass)
whichever database the rest of the suite uses.
"""

import hashlib
import os
import secrets
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest

from .conftest import PG_SERVER_URL, run_manage

FILES = {
    "config.json": b'{"hidden_size": 64}',
    "weights/model.safetensors": secrets.token_bytes(3 * 1024 * 1024 + 17),
    "README.md": b"# restore me\n",
}


def _program(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} (PostgreSQL's client programs) is needed for this test"
    return path


def _pg(*args, **env):
    """A PostgreSQL client program, as the server's administrator (the guide's `sudo -u
    postgres`)."""
    server = psycopg.conninfo.conninfo_to_dict(PG_SERVER_URL)
    host, port = server.get("host", "127.0.0.1"), str(server.get("port", 5432))
    user = server.get("user", "postgres")
    command = [_program(args[0]), "-h", host, "-p", port, "-U", user, *args[1:]]
    result = subprocess.run(  # noqa: S603 (PostgreSQL's own client programs)
        command, capture_output=True, text=True, timeout=120, env={**os.environ, **env}
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def app_database():
    """A role for the app and a database it owns (docs/deploy.md §2); yields the app's URL."""
    suffix = secrets.token_hex(4)
    role, name = f"modelhub_restore_{suffix}", f"modelhub_restore_{suffix}"
    _pg("createuser", role)
    _pg("createdb", "--owner", role, "--encoding", "UTF8", name)
    server = psycopg.conninfo.conninfo_to_dict(PG_SERVER_URL)
    host, port = server.get("host", "127.0.0.1"), server.get("port", 5432)
    yield {"role": role, "name": name, "url": f"postgres://{role}@{host}:{port}/{name}"}
    _pg("dropdb", "--if-exists", "--force", name)
    _pg("dropuser", "--if-exists", role)


def _manage(env, *args):
    result = run_manage(env, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.s3
def test_backup_delete_restore_brings_every_byte_back(
    production_env, app_database, moto_s3, tmp_path
):
    # A bucket of its own: moto's objects live in the test process, shared by every server.
    bucket = f"restore-{secrets.token_hex(4)}"
    moto_s3["client"].create_bucket(Bucket=bucket)
    env = {
        **production_env,
        "DATABASE_URL": app_database["url"],
        "MODELHUB_S3_BUCKET": bucket,
        "MODELHUB_S3_ENDPOINT_URL": moto_s3["endpoint"],
        "MODELHUB_S3_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    folder = tmp_path / "model"
    for path, data in FILES.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    _manage(env, "migrate", "--noinput")
    _manage(
        env,
        "shell",
        "-c",
        "from models_app.accounts.services import user_create; "
        "user_create('owner@acme.test', 'not-used-here')",
    )
    _manage(
        env, "import_model", str(folder), "--model", "restore-demo", "--owner", "owner@acme.test"
    )

    dump = tmp_path / "modelhub.dump"
    subprocess.run(  # noqa: S603 (the guide's backup command)
        [_program("pg_dump"), "--format=custom", f"--file={dump}", app_database["url"]],
        check=True,
        timeout=120,
    )
    _manage(
        env,
        "shell",
        "-c",
        "from models_app.catalog.models import AIModel; "
        "from models_app.catalog.services import model_delete; "
        "model_delete(AIModel.objects.get(title='restore-demo'), by=None)",
    )
    # Deleted: the model is gone, its objects wait out the retention period in the bucket.
    assert "0 files" in _manage(env, "check_storage")
    assert len(_keys(moto_s3, bucket)) == len(FILES)

    # The restore, as docs/deploy.md §7 writes it (the app is stopped: nothing runs).
    _pg("dropdb", "--force", app_database["name"])
    _pg("createdb", "--owner", app_database["role"], "--encoding", "UTF8", app_database["name"])
    subprocess.run(  # noqa: S603 (the guide's restore command)
        [_program("pg_restore"), "--no-owner", f"--role={app_database['role']}"]
        + [f"--dbname={app_database['url']}", str(dump)],
        check=True,
        timeout=120,
    )
    _manage(env, "migrate", "--noinput")

    check = run_manage(env, "check_storage")
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"{len(FILES)} files, {len(FILES)} objects: 0 missing, 0 orphans." in check.stdout
    purge = _manage({**env, "MODELHUB_DELETED_RETENTION_DAYS": "0"}, "purge_deleted")
    assert "0 deleted objects purged" in purge
    exported = tmp_path / "exported"
    _manage(env, "export_version", "restore-demo", "v1", str(exported))
    assert {
        str(p.relative_to(exported)): _sha256(p.read_bytes())
        for p in exported.rglob("*")
        if p.is_file()
    } == {path: _sha256(data) for path, data in FILES.items()}
    assert _owner_of_tables(app_database) == {app_database["role"]}


def _keys(moto_s3, bucket) -> list[str]:
    listing = moto_s3["client"].list_objects_v2(Bucket=bucket)
    return [o["Key"] for o in listing.get("Contents", [])]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _owner_of_tables(app_database) -> set[str]:
    """The restored tables belong to the app's role (so the next `migrate` may alter them)."""
    with psycopg.connect(app_database["url"]) as conn:
        rows = conn.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    return {row[0] for row in rows}


def test_the_guide_restores_in_the_tested_order():
    """The restore section of docs/deploy.md holds these steps in this order."""
    guide = (Path(__file__).resolve().parents[2] / "docs" / "deploy.md").read_text()
    section = guide[guide.index("### Restore") :]
    steps = [
        "systemctl stop modelhub",
        "dropdb --force",
        "createdb --owner modelhub",
        "pg_restore --no-owner --role=modelhub",
        "modelhub_manage migrate",
        "modelhub_manage check_storage",
        "systemctl start modelhub",
    ]
    positions = [section.index(step) for step in steps]
    assert positions == sorted(positions)
