"""The file browser of a version (S-33): one folder level at a time, folders sized by sum."""

from dataclasses import dataclass
from datetime import datetime

from .models import ModelVersion, VersionFile


@dataclass
class Folder:
    name: str
    path: str
    size_bytes: int = 0
    files_count: int = 0
    modified_at: datetime | None = None


@dataclass
class Listing:
    folder: str
    folders: list[Folder]
    files: list[VersionFile]
    crumbs: list[tuple[str, str]]

    @property
    def empty(self) -> bool:
        return not self.folders and not self.files


def breadcrumb(folder: str) -> list[tuple[str, str]]:
    """[(name, folder path), …] from the version root down to `folder`."""
    crumbs, path = [], ""
    for part in folder.strip("/").split("/") if folder else []:
        path += part + "/"
        crumbs.append((part, path))
    return crumbs


def list_folder(version: ModelVersion, folder: str) -> Listing:
    rows = version.files.all()
    if folder:
        rows = rows.filter(path__startswith=folder)
    folders: dict[str, Folder] = {}
    files = []
    for row in rows.order_by("path"):
        if not row.path.startswith(folder):
            continue
        rest = row.path[len(folder) :]
        name, slash, _tail = rest.partition("/")
        if not slash:
            row.name = name
            files.append(row)
            continue
        entry = folders.setdefault(name, Folder(name=name, path=folder + name + "/"))
        entry.size_bytes += row.size_bytes
        entry.files_count += 1
        if entry.modified_at is None or row.modified_at > entry.modified_at:
            entry.modified_at = row.modified_at
    return Listing(
        folder=folder,
        folders=sorted(folders.values(), key=lambda f: f.name.lower()),
        files=files,
        crumbs=breadcrumb(folder),
    )


def folder_exists(version: ModelVersion, folder: str) -> bool:
    return not folder or version.files.filter(path__startswith=folder).exists()


def nearest_folder(version: ModelVersion, folder: str) -> str:
    """`folder` if it still holds files, else its nearest ancestor that does ("" for the
    root): where to go back to after a delete emptied a folder."""
    while folder and not folder_exists(version, folder):
        folder = folder.rstrip("/").rpartition("/")[0]
        folder = folder + "/" if folder else ""
    return folder
