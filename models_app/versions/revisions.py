"""Revisions as the Hugging Face client names them (SPEC §12): `main` is the newest
version, any other revision a version's name; each content state of a version has a
40-hex commit id."""

import hashlib

from .models import ModelVersion

MAIN = "main"


def newest_version(model) -> ModelVersion | None:
    """The most recently created version, as the card's "Latest version" (S-30)."""
    return model.versions.order_by("-created_at", "-id").first()


def resolve_revision(model, rev: str) -> ModelVersion | None:
    """The version `rev` names: `main` the newest, else the version of that exact name
    (names may hold `.`, `+`, `-`, `_`); None when there is none."""
    if rev == MAIN:
        return newest_version(model)
    return model.versions.filter(name=rev).first()


def version_commit_id(version: ModelVersion) -> str:
    """SHA-1 of the version's id and its files (sorted path, SHA-256, size), one query.
    Same files, same id; a file added, removed or changed (a re-upload), a new id; two
    versions with the same files differ by their own id."""
    listing = version.files.order_by("path").values_list("path", "sha256", "size_bytes")
    digest = hashlib.sha1(f"modelhub-version {version.pk}\n".encode(), usedforsecurity=False)
    for path, sha256, size in listing:
        digest.update(f"{path}\0{sha256}\0{size}\n".encode())
    return digest.hexdigest()
