"""The rules of the Hugging Face upload routes, apart from HTTP: which files go LFS, how an
NDJSON commit reads, where a staged object's PUT goes and in which parts (SPEC §12)."""

import base64
import binascii
import json
import math

from django.core import signing
from django.utils.translation import gettext as _

from models_app.versions import staging
from models_app.versions.commits import Commit, CommitRefused
from models_app.versions.paths import InvalidPath, normalize_path

# Files at least this large, or binary (a NUL byte in the sample), go through LFS: small
# text files (README, config.json) travel inline in the commit.
LFS_THRESHOLD = 64 * 1024
# How long an LFS PUT URL stays valid (it carries its own authorization, as S3's do).
UPLOAD_URL_MAX_AGE = 24 * 3600
_SIGNING_SALT = "modelhub.api.lfs-upload"
_VERIFY_SALT = "modelhub.api.lfs-verify"
# With S3, objects up to this size go in one presigned PUT, larger ones in parts of at least
# this size (S3 takes 5 MiB parts at the least and 10 000 parts at the most).
PART_BYTES = 8 * 1024 * 1024
MAX_PARTS = 10_000


class BadRequest(ValueError):
    """The request's body is not what the route takes; the message says why."""


def upload_mode(size: int, sample: bytes) -> str:
    return "lfs" if size >= LFS_THRESHOLD or b"\0" in sample else "regular"


def preupload_answer(files: list, version) -> dict:
    """The client's `preupload` answer. `oid` is the stored file's SHA-256 for an LFS path
    already holding it, so the client skips sending it again."""
    if not isinstance(files, list):
        raise BadRequest(_("Send the files as a list of {path, size, sample}."))
    existing = dict(version.files.values_list("path", "sha256")) if version else {}
    answer = []
    for entry in files:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise BadRequest(_("Each file needs a path."))
        size = entry.get("size")
        if not isinstance(size, int) or size < 0:
            raise BadRequest(_("Each file needs its size in bytes."))
        try:
            sample = base64.b64decode(entry.get("sample") or "", validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadRequest(_("A file's sample must be base64.")) from exc
        mode = upload_mode(size, sample)
        row = {"path": entry["path"], "uploadMode": mode, "shouldIgnore": False}
        if mode == "lfs":
            try:
                row["oid"] = existing.get(normalize_path(entry["path"]))
            except InvalidPath:
                row["oid"] = None
        answer.append(row)
    return {"files": answer, "commitOid": None}


def upload_ticket(staged) -> str:
    return signing.dumps(staged.pk, salt=_SIGNING_SALT, compress=False)


def staged_pk_of_ticket(ticket: str) -> int | None:
    try:
        return int(signing.loads(ticket, salt=_SIGNING_SALT, max_age=UPLOAD_URL_MAX_AGE))
    except (signing.BadSignature, ValueError, TypeError):
        return None


def part_size(size: int) -> int | None:
    """The part size of a direct upload of `size` bytes to S3; None for a single PUT."""
    if size <= PART_BYTES:
        return None
    mebibyte = 1024 * 1024
    fewest = math.ceil(math.ceil(size / MAX_PARTS) / mebibyte) * mebibyte
    return max(PART_BYTES, fewest)


def verify_ticket(staged, upload_id: str = "") -> str:
    """Signs the staged object and, for a multipart upload, its S3 upload id: the client
    calls the completion without a token (as it would call S3)."""
    return signing.dumps([staged.pk, upload_id], salt=_VERIFY_SALT, compress=False)


def verified_ticket(ticket: str) -> tuple[int, str] | None:
    try:
        pk, upload_id = signing.loads(ticket, salt=_VERIFY_SALT, max_age=UPLOAD_URL_MAX_AGE)
        return int(pk), str(upload_id)
    except (signing.BadSignature, ValueError, TypeError):
        return None


def completed_parts(payload: dict, oid: str) -> list[tuple[int, str]]:
    """The (part number, ETag) pairs of the client's completion: `{oid, parts: [{partNumber,
    etag}]}`, numbered 1, 2, 3…"""
    if payload.get("oid") != oid:
        raise BadRequest(_("The completion names another object."))
    parts = payload.get("parts")
    if not isinstance(parts, list) or not parts:
        raise BadRequest(_("Send the parts as a list of {partNumber, etag}."))
    pairs = []
    for expected, part in enumerate(parts, start=1):
        number = part.get("partNumber") if isinstance(part, dict) else None
        etag = part.get("etag") if isinstance(part, dict) else None
        if number != expected or not isinstance(etag, str) or not etag:
            raise BadRequest(_("Send the parts as a list of {partNumber, etag}."))
        pairs.append((number, etag))
    return pairs


def parse_commit(body: bytes, model) -> Commit:
    """The NDJSON commit: a header line, then `file` (inline base64), `lfsFile` (a received
    staged object by SHA-256), `deletedFile` and `deletedFolder` lines."""
    commit = Commit()
    try:
        lines = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(_("The commit must be NDJSON: one JSON object a line.")) from exc
    for line in lines:
        key = line.get("key") if isinstance(line, dict) else None
        value = line.get("value") if isinstance(line, dict) else None
        if not isinstance(value, dict):
            raise BadRequest(_("Each commit line needs a key and a value object."))
        if key == "header":
            commit.summary = str(value.get("summary") or "")
            commit.description = str(value.get("description") or "")
            continue
        path = value.get("path")
        if not isinstance(path, str):
            raise BadRequest(_("Each commit operation needs a path."))
        if key == "file":
            try:
                commit.additions[path] = base64.b64decode(value.get("content") or "", validate=True)
            except (binascii.Error, ValueError) as exc:
                raise BadRequest(
                    _("“%(path)s”: the content must be base64.") % {"path": path}
                ) from exc
        elif key == "lfsFile":
            commit.additions[path] = _received(model, path, value)
        elif key == "deletedFile":
            commit.deleted_files.append(path)
        elif key == "deletedFolder":
            commit.deleted_folders.append(path)
        else:
            raise BadRequest(
                _("“%(key)s” is not a commit operation this hub takes.") % {"key": key}
            )
    return commit


def _received(model, path: str, value: dict):
    oid, size = value.get("oid"), value.get("size")
    staged = None
    if isinstance(oid, str) and isinstance(size, int):
        staged = staging.received_object(model, oid, size)
    if staged is None:
        raise CommitRefused(
            _("“%(path)s”: its LFS object was not uploaded (or not with this size and SHA-256).")
            % {"path": path}
        )
    return staged
