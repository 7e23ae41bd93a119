"""File paths inside a version (S-38): one normal form, and every refusal names the path."""

import posixpath
import unicodedata

from django.utils.translation import gettext as _

MAX_PATH_LENGTH = 1024  # characters: the column's size
# PostgreSQL keeps (version, path) unique with an index whose entries hold at most 2704 bytes.
MAX_PATH_BYTES = 2048
# One file or folder name on common file systems: export_version and unzipping write each name.
MAX_NAME_BYTES = 255


class InvalidPath(ValueError):
    """A path that cannot be stored; the message names it and says why."""


class PathConflict(InvalidPath):
    """A path that would make one name both a file and a folder of a version."""


def _refuse(raw: str, reason: str, cls: type[InvalidPath] = InvalidPath) -> InvalidPath:
    shown = raw.encode("unicode_escape").decode("ascii") if _has_control(raw) else raw
    return cls(_("“%(path)s”: %(reason)s") % {"path": shown, "reason": reason})


def parent_folders(path: str) -> list[str]:
    """`a/b/c` → `["a", "a/b"]`: the folders a normalised path lies in."""
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def file_is_a_folder(path: str, parent: str) -> PathConflict:
    """`path` lies in `parent`, which the version already holds as a file."""
    return _refuse(
        path,
        _("“%(name)s” is already a file in this version; a name cannot be both a file and a folder")
        % {"name": parent},
        PathConflict,
    )


def folder_is_a_file(path: str) -> PathConflict:
    """`path` is already a folder of the version (files lie under it)."""
    return _refuse(
        path,
        _(
            "this version already has a folder with this name; "
            "a name cannot be both a file and a folder"
        ),
        PathConflict,
    )


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)


def normalize_path(raw: str) -> str:
    """`a//b/./c` → `a/b/c` (NFC). Refuses `..`, absolute paths, backslashes, control
    characters, empty names, over-long paths and names with an InvalidPath naming `raw`."""
    if raw is None or not raw.strip():
        raise _refuse(raw or "", _("the path is empty"))
    if _has_control(raw):
        raise _refuse(raw, _("control characters are not allowed"))
    if "\\" in raw:
        raise _refuse(raw, _("backslashes are not allowed; use “/” between folders"))
    if raw.startswith("/") or (len(raw) > 1 and raw[1] == ":"):
        raise _refuse(raw, _("absolute paths are not allowed"))
    parts = [p for p in raw.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise _refuse(raw, _("“..” is not allowed"))
    if not parts or raw.endswith("/"):
        raise _refuse(raw, _("the file name is empty"))
    if any(not p.strip() for p in parts):
        raise _refuse(raw, _("a name made only of spaces is not allowed"))
    path = unicodedata.normalize("NFC", "/".join(parts))
    if len(path) > MAX_PATH_LENGTH:
        raise _refuse(
            raw, _("the path is longer than %(max)d characters") % {"max": MAX_PATH_LENGTH}
        )
    if len(path.encode()) > MAX_PATH_BYTES:
        raise _refuse(raw, _("the path is longer than %(max)d bytes") % {"max": MAX_PATH_BYTES})
    if any(len(name.encode()) > MAX_NAME_BYTES for name in path.split("/")):
        raise _refuse(
            raw,
            _("a file or folder name is longer than %(max)d bytes, which file systems refuse")
            % {"max": MAX_NAME_BYTES},
        )
    return path


def normalize_paths(raws: list[str]) -> list[str]:
    """Each path normalised; a path given twice (after normalising), or a file that is also
    the folder of another path of the same upload, is refused by name."""
    seen: dict[str, str] = {}
    paths = []
    for raw in raws:
        path = normalize_path(raw)
        if path in seen:
            raise _refuse(raw, _("this path appears twice in the upload"))
        seen[path] = raw
        paths.append(path)
    for path in paths:
        for parent in parent_folders(path):
            if parent in seen:
                raise _refuse(
                    seen[path],
                    _(
                        "“%(name)s” is also in this upload as a file; "
                        "a name cannot be both a file and a folder"
                    )
                    % {"name": parent},
                    PathConflict,
                )
    return paths


def normalize_folder(raw: str | None) -> str:
    """A folder for the file browser: `""` for the root, else `a/b/` (trailing slash)."""
    if not raw or not raw.strip("/"):
        return ""
    return normalize_path(raw.strip("/")) + "/"


def file_name(path: str) -> str:
    return posixpath.basename(path)
