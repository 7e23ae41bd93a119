"""Files the app makes are not readable by every user of the machine: the data directory,
the SQLite database, stored artifacts and avatars (umask 027, explicit storage modes)."""

import stat
import subprocess
import sys

from models_app.catalog.models import AIModel
from models_app.versions.models import VersionFile
from tests.catalog.images import image_upload
from tests.catalog.test_create import form_data
from tests.versions.conftest import upload_multipart, upload_raw
from tests.versions.factories import VersionFactory

from .conftest import ROOT, run_manage


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_manage_py_makes_the_data_directory_and_database_for_the_app_only(production_env):
    env = {k: v for k, v in production_env.items() if k not in ("MODELHUB_HTTPS",)}
    result = run_manage(env, "migrate", "--noinput", timeout=300)
    assert result.returncode == 0, result.stderr
    data = ROOT.joinpath(env["MODELHUB_DATA_DIR"])
    assert mode(data) == 0o750
    assert mode(data / "modelhub.sqlite3") == 0o640


def test_the_app_servers_run_with_umask_027(production_env):
    for module in ("modelhub.wsgi", "modelhub.asgi"):
        result = subprocess.run(  # noqa: S603 (our own interpreter)
            [sys.executable, "-c", f"import os, {module}; print(oct(os.umask(0)))"],
            cwd=ROOT,
            env=production_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.stdout.strip() == "0o27", result.stderr


def test_stored_artifacts_and_their_folders_are_for_the_app_only(client_for, owner, settings):
    version = VersionFactory(model=AIModel.objects.create(owner=owner, title="m"), name="v1")
    client = client_for(owner)
    upload_multipart(client, version, {"weights/a.bin": b"1" * 10})
    upload_raw(client, version, "b.bin", b"2" * 10)
    for file in VersionFile.objects.all():
        stored = settings.MEDIA_ROOT / file.storage_key
        assert mode(stored) == 0o640
        assert mode(stored.parent) == 0o750


def test_avatars_are_for_the_app_only(client_for, owner, settings):
    client_for(owner).post("/models/new/", form_data(avatar=image_upload()))
    avatar = settings.MEDIA_ROOT / AIModel.objects.get().avatar.name
    assert mode(avatar) == 0o640
    assert mode(avatar.parent) == 0o750
