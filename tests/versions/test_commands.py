import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from models_app.catalog.models import AIModel
from models_app.versions.models import ModelVersion, VersionFile

from .conftest import upload_multipart


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def run_failing(*args) -> str:
    """Runs a command that must exit with status 1; returns what it printed."""
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(*args, stdout=out, stderr=StringIO())
    assert failure.value.returncode == 1
    return out.getvalue()


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "export-me"
    (root / "artifacts").mkdir(parents=True)
    (root / "config.json").write_bytes(b'{"a": 1}')
    (root / "artifacts" / "model.bin").write_bytes(b"\x00" * 5000)
    return root


def test_import_creates_the_model_and_a_version(backend, folder, owner):
    output = run("import_model", str(folder), "--model", "imported-model", "--owner", owner.email)
    model = AIModel.objects.get(title="imported-model", owner=owner)
    version = model.versions.get()
    assert version.name == "v1"
    assert sorted(version.files.values_list("path", flat=True)) == [
        "artifacts/model.bin",
        "config.json",
    ]
    assert model.storage_bytes == 5008
    assert "Imported 2 files" in output
    assert len(backend.keys()) == 2


def test_import_into_an_existing_model_by_reference_with_a_name(folder, owner, model):
    run("import_model", str(folder), "--model", str(model.uuid), "--owner", owner.email,
        "--version", "rc1")  # fmt: skip
    assert model.versions.get().name == "rc1"


def test_import_records_the_sha256(folder, owner, model):
    run("import_model", str(folder), "--model", model.title, "--owner", owner.email)
    row = VersionFile.objects.get(path="config.json")
    assert row.sha256 == hashlib.sha256(b'{"a": 1}').hexdigest()


def test_import_into_an_existing_version_replaces_files(folder, owner, model):
    run("import_model", str(folder), "--model", model.title, "--owner", owner.email,
        "--version", "v1")  # fmt: skip
    (folder / "config.json").write_bytes(b"{}")
    run("import_model", str(folder), "--model", model.title, "--owner", owner.email,
        "--version", "v1")  # fmt: skip
    assert ModelVersion.objects.count() == 1
    assert VersionFile.objects.get(path="config.json").size_bytes == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nonexistent/folder"], "is not a folder"),
        (["{folder}", "--owner", "nobody@acme.test"], "no user"),
        (["{folder}", "--version", "a b"], "not a valid identifier"),
    ],
)
def test_import_bad_input_is_a_command_error(folder, owner, args, message):
    args = [a.format(folder=folder) for a in args]
    defaults = {"--model": "m", "--owner": owner.email}
    for option, value in defaults.items():
        if option not in args:
            args += [option, value]
    with pytest.raises(CommandError, match=message):
        run("import_model", *args)


def test_import_of_an_empty_folder_is_refused(tmp_path, owner):
    with pytest.raises(CommandError, match="holds no files"):
        run("import_model", str(tmp_path), "--model", "m", "--owner", owner.email)


def test_export_writes_the_files_with_their_paths(backend, folder, owner, model, tmp_path):
    run("import_model", str(folder), "--model", model.title, "--owner", owner.email)
    dest = tmp_path / "out"
    output = run("export_version", str(model.uuid), "v1", str(dest))
    assert (dest / "artifacts" / "model.bin").read_bytes() == b"\x00" * 5000
    assert (dest / "config.json").read_bytes() == b'{"a": 1}'
    assert "Exported 2 files" in output


def test_export_never_overwrites(folder, owner, model, tmp_path):
    run("import_model", str(folder), "--model", model.title, "--owner", owner.email)
    with pytest.raises(CommandError, match="already holds"):
        run("export_version", model.title, "v1", str(folder))


@pytest.mark.parametrize(
    ("ref", "name", "message"),
    [("no-such-model", "v1", "no model"), ("pipeline-demo-0412", "v9", "no version")],
)
def test_export_bad_input_is_a_command_error(model, tmp_path, ref, name, message):
    with pytest.raises(CommandError, match=message):
        run("export_version", ref, name, str(tmp_path / "out"))


def test_recompute_sizes_repairs_drifted_counters(client_for, owner, version):
    upload_multipart(client_for(owner), version, {"a.bin": b"12345"})
    ModelVersion.objects.update(size_bytes=999)
    AIModel.objects.update(storage_bytes=0)
    output = run("recompute_sizes")
    assert ModelVersion.objects.get().size_bytes == 5
    assert AIModel.objects.get().storage_bytes == 5
    assert "2 corrected" in output


def test_check_storage_reports_missing_objects_and_orphans(backend, client_for, owner, version):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    upload_multipart(client_for(owner), version, {"kept.bin": b"1", "lost.bin": b"2"})
    lost = VersionFile.objects.get(path="lost.bin")
    default_storage.delete(lost.storage_key)
    default_storage.save(f"artifacts/{version.model.uuid}/orphan", ContentFile(b"x"))
    output = run_failing("check_storage")
    assert "missing: pipeline-demo-0412 v1 lost.bin" in output
    assert f"orphan: artifacts/{version.model.uuid}/orphan" in output
    assert "1 missing, 1 orphans" in output


def test_check_storage_repair_fixes_both(
    backend, client_for, owner, version, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    upload_multipart(client_for(owner), version, {"kept.bin": b"1", "lost.bin": b"22"})
    default_storage.delete(VersionFile.objects.get(path="lost.bin").storage_key)
    default_storage.save(f"artifacts/{version.model.uuid}/orphan", ContentFile(b"x"))
    with django_capture_on_commit_callbacks(execute=True):
        run("check_storage", "--repair", "--delete-missing-rows", "--grace-hours", "0")
    assert list(VersionFile.objects.values_list("path", flat=True)) == ["kept.bin"]
    assert backend.keys() == [VersionFile.objects.get().storage_key]
    assert ModelVersion.objects.get().size_bytes == 1
    assert "0 missing, 0 orphans." in run("check_storage")


def test_check_storage_on_a_clean_store_says_so(client_for, owner, version):
    upload_multipart(client_for(owner), version, {"a.bin": b"1"})
    assert "0 missing, 0 orphans." in run("check_storage")


def test_check_storage_repair_leaves_a_fresh_orphan_to_its_upload(backend, version):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    key = default_storage.save(f"artifacts/{version.model.uuid}/in-progress", ContentFile(b"x"))
    output = run("check_storage", "--repair")
    assert "left alone" in output
    assert backend.keys().count(key) == 1


def test_check_storage_refuses_a_negative_grace(db):
    with pytest.raises(CommandError, match="negative"):
        run("check_storage", "--grace-hours", "-1")


def test_import_refuses_a_link_out_of_the_folder(owner, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the model")
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / "link.txt").symlink_to(secret)
    with pytest.raises(CommandError, match="outside"):
        run("import_model", str(folder), "--model", "linked", "--owner", owner.email)
    assert not VersionFile.objects.exists()


def test_import_of_many_files_keeps_their_bytes(owner, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for index in range(30):
        (folder / f"part-{index:02d}.bin").write_bytes(bytes([index]) * (index + 1))
    run("import_model", str(folder), "--model", "many", "--owner", owner.email)
    files = {f.path: f for f in VersionFile.objects.all()}
    assert len(files) == 30
    assert files["part-07.bin"].size_bytes == 8
    assert files["part-07.bin"].sha256 == hashlib.sha256(bytes([7]) * 8).hexdigest()


def test_check_storage_keeps_staged_objects_until_their_grace_then_repair_removes_them(
    backend, owner, version, django_capture_on_commit_callbacks
):
    import io

    from models_app.versions.models import StagedObject
    from models_app.versions.staging import stage_expect, stage_receive

    data = b"lfs bytes"
    staged = stage_expect(
        version.model, sha256=hashlib.sha256(data).hexdigest(), size=len(data), by=owner
    )
    stage_receive(staged, io.BytesIO(data), len(data))
    output = run("check_storage", "--repair")
    assert "0 missing, 0 orphans, 1 staged for a commit." in output
    assert backend.keys().count(staged.storage_key) == 1
    with django_capture_on_commit_callbacks(execute=True):
        output = run("check_storage", "--repair", "--grace-hours", "0")
    assert "(1 stale removed)" in output
    assert not StagedObject.objects.exists()
    assert backend.keys().count(staged.storage_key) == 0
