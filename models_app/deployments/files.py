"""A version's files on the supervisor's disk: fetched from storage (local or S3) once per
version into `MODELHUB_DEPLOY_CACHE_DIR/versions/<version id>/files/<path>`, checked against
the SHA-256 recorded at upload, and reused by every later start while they still match."""

import fcntl
import hashlib
import json
import os
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from models_app.versions.blobs import artifacts
from models_app.versions.models import ModelVersion

CHUNK = 1024 * 1024


class FetchFailed(Exception):
    pass


def version_dir(version_id: int) -> Path:
    return Path(settings.MODELHUB_DEPLOY_CACHE_DIR) / "versions" / str(version_id)


@contextmanager
def _locked(folder: Path):
    """One fetcher per version at a time, across the supervisors of this machine."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_verified(folder: Path) -> dict:
    try:
        return json.loads((folder / "verified.json").read_text())
    except (OSError, ValueError):
        return {}


def _write_verified(folder: Path, verified: dict) -> None:
    temporary = folder / "verified.json.tmp"
    temporary.write_text(json.dumps(verified, sort_keys=True))
    os.replace(temporary, folder / "verified.json")


def _target(files_root: Path, path: str) -> Path:
    target = (files_root / path).resolve()
    if not target.is_relative_to(files_root.resolve()):
        raise FetchFailed(_("The file path %(path)s leaves the cache folder.") % {"path": path})
    return target


def _download(file, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    digest, size = hashlib.sha256(), 0
    try:
        with open(partial, "wb") as out:
            for chunk in artifacts().chunks(file.storage_key):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except FileNotFoundError as exc:
        partial.unlink(missing_ok=True)
        raise FetchFailed(
            _("The file %(path)s is missing from storage.") % {"path": file.path}
        ) from exc
    except Exception as exc:
        partial.unlink(missing_ok=True)
        raise FetchFailed(
            _("The file %(path)s could not be read from storage: %(error)s")
            % {"path": file.path, "error": exc}
        ) from exc
    if digest.hexdigest() != file.sha256 or size != file.size_bytes:
        partial.unlink(missing_ok=True)
        raise FetchFailed(
            _(
                "The file %(path)s read from storage does not match its recorded SHA-256 "
                "(%(expected)s): it was not used."
            )
            % {"path": file.path, "expected": file.sha256}
        )
    os.replace(partial, target)


def fetch_files(version: ModelVersion, paths: list[str]) -> dict[str, Path]:
    """{path: local file} for `paths` of `version`, each fetched unless already cached with
    the recorded size and SHA-256. Raises FetchFailed naming the file that could not be."""
    wanted = {f.path: f for f in version.files.filter(path__in=paths)}
    missing = [p for p in paths if p not in wanted]
    if missing:
        raise FetchFailed(
            _("The version %(version)s has no file %(path)s.")
            % {"version": version.name, "path": missing[0]}
        )
    folder = version_dir(version.pk)
    files_root = folder / "files"
    local = {}
    with _locked(folder):
        verified = _read_verified(folder)
        for path, file in wanted.items():
            target = _target(files_root, path)
            fresh = (
                verified.get(path) == file.sha256
                and target.is_file()
                and target.stat().st_size == file.size_bytes
            )
            if not fresh:
                verified.pop(path, None)
                _write_verified(folder, verified)
                _download(file, target)
                verified[path] = file.sha256
                _write_verified(folder, verified)
            local[path] = target
    return local
