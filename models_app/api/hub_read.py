"""The read side of the Hugging Face–compatible API (SPEC §12, issue 12 points 3 and 4): model
info, the file tree, `resolve` (HEAD and GET, with ranges) and the model list, in the shapes
`huggingface_hub` parses (hf_api.py ModelInfo / RepoFile, file_download.py headers).

Every model is found through `catalog.lookups.model_by_repo_id`, so one the token's user may
not see answers `RepoNotFound` exactly as one that does not exist. A `resolve` is a download:
the model's allowlist is checked with the access module's `check_download`, and a completed
GET is counted and audited as the UI's file download is.
"""

import hashlib
import json
import re
from base64 import urlsafe_b64decode, urlsafe_b64encode
from datetime import UTC, datetime
from functools import wraps
from urllib.parse import unquote, urlencode, urlsplit

import yaml
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from models_app.access.caller import caller_of
from models_app.access.downloads import check_download
from models_app.access.roles import Action
from models_app.audit.models import AuditAction
from models_app.audit.services import audit_record
from models_app.catalog.lookups import model_by_repo_id
from models_app.catalog.models import AIModel
from models_app.versions import blobs, downloads
from models_app.versions.markdown import MAX_FRONT_MATTER, split_front_matter
from models_app.versions.models import VersionFile
from models_app.versions.revisions import resolve_revision, version_commit_id

from .auth import token_api
from .scopes import Scope

COMMIT_ID = re.compile(r"^[0-9a-f]{40}$")
TREE_PAGE = 1000
LIST_PAGE = 100
LIST_PAGE_MAX = 1000
LIST_SORTS = {
    "lastModified": "updated_at",
    "last_modified": "updated_at",
    "createdAt": "created_at",
    "created_at": "created_at",
    "downloads": "download_count",
    "id": "repo_name",
}
# The columns a list entry shows (and the cursor's sort keys): the page query reads no other.
LIST_COLUMNS = (
    "uuid",
    "repo_namespace",
    "repo_name",
    "download_count",
    "created_at",
    "updated_at",
)
LFS_POINTER = "version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n"


class HubError(Exception):
    """An answer the client maps to its own error class through `X-Error-Code`."""

    def __init__(self, status: int, message: str, code: str = ""):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code

    def response(self):
        response = JsonResponse({"error": self.message}, status=self.status)
        if self.code:
            response["X-Error-Code"] = self.code
        # A header holds Latin-1 only: a name outside it is sent escaped.
        response["X-Error-Message"] = self.message.encode("ascii", "backslashreplace").decode()
        return response


def repo_not_found() -> HubError:
    return HubError(404, _("Repository not found."), "RepoNotFound")


def hub_api(view):
    """A token route (read scope) whose HubError and 404 / 403 answer in the client's terms."""

    @wraps(view)
    def answer(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except HubError as error:
            return error.response()

    return token_api(scope=Scope.READ)(answer)


def find_repo(request, action, namespace, name) -> AIModel:
    try:
        return model_by_repo_id(request, action, namespace=namespace, name=name)
    except Http404 as missing:
        raise repo_not_found() from missing
    except PermissionDenied as refused:
        raise HubError(403, str(refused) or _("You may not do this.")) from refused


def find_version(model, rev: str):
    """`main`, a version's name or one of its 40-hex commit ids (the client pins the
    commit `model_info` gave it)."""
    version = resolve_revision(model, rev)
    if version is None and COMMIT_ID.match(rev):
        version = next((v for v in model.versions.all() if version_commit_id(v) == rev), None)
    return version


def revision_not_found(rev: str) -> HubError:
    return HubError(404, _("Revision not found: %(rev)s") % {"rev": rev}, "RevisionNotFound")


def split_revision(request, model, rest: str):
    """(version, revision, path) of `rest`, the route's decoded `<rev>/<path>`. The client
    quotes a revision's `/` as %2F: the raw path (RAW_URI / REQUEST_URI, when the server gives
    it) tells it from a folder; without it, the longest leading part naming a version wins."""
    raw = request.META.get("RAW_URI") or request.META.get("REQUEST_URI")
    if raw:
        raw_path = urlsplit(raw).path  # also when the request line held an absolute URL
        prefix_segments = request.path[: len(request.path) - len(rest)].count("/")
        segments = raw_path.split("/")[prefix_segments:]
        if segments and segments[0]:
            rev = unquote(segments[0])
            version = find_version(model, rev)
            if version is None:
                raise revision_not_found(rev)
            return version, rev, unquote("/".join(segments[1:]))
    parts = rest.split("/")
    for cut in range(len(parts), 0, -1):
        rev = "/".join(parts[:cut])
        version = find_version(model, rev)
        if version is not None:
            return version, rev, "/".join(parts[cut:])
    raise revision_not_found(parts[0])


def hub_time(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def lfs_pointer_size(sha256: str, size: int) -> int:
    return len(LFS_POINTER.format(sha256=sha256, size=size))


def blob_id(sha256: str, size: int) -> str:
    """The git blob id of the file's LFS pointer: every file here is stored as LFS."""
    pointer = LFS_POINTER.format(sha256=sha256, size=size).encode()
    return hashlib.sha1(b"blob %d\0" % len(pointer) + pointer, usedforsecurity=False).hexdigest()


def card_data(files) -> dict | None:
    """The README's YAML front matter (the model card's metadata), or None."""
    readme = next((f for f in files if f.path.lower() == "readme.md"), None)
    if readme is None or readme.size_bytes <= 0:
        return None
    head = b"".join(
        blobs.artifacts().chunks(readme.storage_key, 0, min(readme.size_bytes, MAX_FRONT_MATTER))
    )
    front, _body = split_front_matter(head.decode("utf-8", "replace"))
    if not front:
        return None
    try:
        data = yaml.safe_load(front)
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def sibling(file: VersionFile, with_blobs: bool) -> dict:
    entry = {"rfilename": file.path}
    if with_blobs:
        entry["size"] = file.size_bytes
        entry["blobId"] = blob_id(file.sha256, file.size_bytes)
        entry["lfs"] = {
            "sha256": file.sha256,
            "size": file.size_bytes,
            "pointerSize": lfs_pointer_size(file.sha256, file.size_bytes),
        }
    return entry


def tag_names_of(models) -> dict[int, list[str]]:
    """{model id: its tag names} of a page of models, in one query of two columns (a
    prefetch would build a Tag object for each)."""
    names = {}
    through = AIModel.tags.through.objects.filter(aimodel_id__in=[m.pk for m in models])
    for model_id, name in through.order_by("tag__name").values_list("aimodel_id", "tag__name"):
        names.setdefault(model_id, []).append(name)
    return names


def list_entry(model, tags: list[str] | None = None) -> dict:
    return {
        "id": model.repo_id,
        "_id": str(model.uuid),
        "modelId": model.repo_id,
        "author": model.repo_namespace,
        "private": True,
        "downloads": model.download_count,
        "likes": 0,
        "tags": [tag.name for tag in model.tags.all()] if tags is None else tags,
        "createdAt": hub_time(model.created_at),
        "lastModified": hub_time(model.updated_at),
    }


def model_info_answer(model, version, with_blobs: bool) -> dict:
    """What `HfApi.model_info` reads; a model without a version has no sha and no files."""
    answer = list_entry(model)
    answer["disabled"] = False
    answer["gated"] = False
    files = list(version.files.order_by("path")) if version else []
    answer["sha"] = version_commit_id(version) if version else None
    answer["siblings"] = [sibling(f, with_blobs) for f in files]
    answer["cardData"] = card_data(files)
    if version is not None:
        newest = max([version.updated_at, *(f.modified_at for f in files)])
        answer["lastModified"] = hub_time(newest)
    if with_blobs:
        answer["usedStorage"] = sum(f.size_bytes for f in files)
    return answer


@require_safe
@hub_api
def model_info_view(request, namespace, name, rev=None):
    model = find_repo(request, Action.VIEW, namespace, name)
    if rev is None:
        version = resolve_revision(model, "main")
    else:
        version, _rev, extra = split_revision(request, model, rev)
        if extra:
            raise revision_not_found(rev)
    with_blobs = request.GET.get("blobs", "").lower() in ("1", "true")
    return JsonResponse(model_info_answer(model, version, with_blobs))


def tree_entries(version, folder: str, recursive: bool) -> list[dict]:
    """Files and folders under `folder` ("" for the root), folders first then files, each
    sorted by path; None when `folder` is neither a folder nor "" (EntryNotFound)."""
    prefix = f"{folder}/" if folder else ""
    files = list(version.files.filter(path__startswith=prefix).order_by("path"))
    if folder and not files:
        return None
    folders = {}
    shown_files = []
    for file in files:
        inner = file.path[len(prefix) :]
        parts = inner.split("/")
        depth = len(parts) if recursive else 1
        for level in range(1, min(depth, len(parts) - 1) + 1):
            path = prefix + "/".join(parts[:level])
            digest = folders.setdefault(path, hashlib.sha1(usedforsecurity=False))
            digest.update(f"{file.path}\0{file.sha256}\n".encode())
        if recursive or len(parts) == 1:
            shown_files.append(file)
    entries = [
        {"type": "directory", "oid": digest.hexdigest(), "path": path}
        for path, digest in sorted(folders.items())
    ]
    entries += [
        {
            "type": "file",
            "oid": blob_id(f.sha256, f.size_bytes),
            "size": f.size_bytes,
            "path": f.path,
            "lfs": {
                "oid": f.sha256,
                "size": f.size_bytes,
                "pointerSize": lfs_pointer_size(f.sha256, f.size_bytes),
            },
        }
        for f in shown_files
    ]
    return entries


def page_cursor(request) -> int:
    try:
        return max(int(request.GET.get("cursor", "0")), 0)
    except ValueError as bad:
        raise HubError(400, _("The cursor is not valid.")) from bad


def paginated(request, items: list, next_cursor: str | None) -> JsonResponse:
    """`items`, and a `Link` to the next page (an absolute URL, as the client follows it)."""
    response = JsonResponse(items, safe=False)
    if next_cursor is not None:
        query = request.GET.copy()
        query["cursor"] = next_cursor
        next_url = request.build_absolute_uri(f"{request.path}?{urlencode(list(query.items()))}")
        response["Link"] = f'<{next_url}>; rel="next"'
    return response


@require_safe
@hub_api
def tree_view(request, namespace, name, rest):
    model = find_repo(request, Action.VIEW, namespace, name)
    version, _rev, folder = split_revision(request, model, rest)
    recursive = request.GET.get("recursive", "").lower() in ("1", "true")
    entries = tree_entries(version, folder.strip("/"), recursive)
    if entries is None:
        raise HubError(
            404, _("No such folder in this revision: %(path)s") % {"path": folder}, "EntryNotFound"
        )
    start = page_cursor(request)
    page = entries[start : start + TREE_PAGE]
    more = start + TREE_PAGE < len(entries)
    return paginated(request, page, str(start + TREE_PAGE) if more else None)


def allowlist_refusal(request) -> HubError:
    address = caller_of(request).address or request.META.get("REMOTE_ADDR", "")
    return HubError(
        403,
        _("Downloads of this model are not allowed from your address (%(address)s).")
        % {"address": address},
    )


@require_safe
@hub_api
def resolve_view(request, namespace, name, rest):
    model = find_repo(request, Action.DOWNLOAD, namespace, name)
    # A HEAD hands out no byte: it answers outside the allowlist too, so that the client goes
    # on to the GET, whose refusal it shows with our message (a refused HEAD it reports as
    # a connection problem).
    if request.method == "GET" and check_download(request, model) is not None:
        raise allowlist_refusal(request)
    version, _rev, path = split_revision(request, model, rest)
    file = VersionFile.objects.filter(version=version, path=path).first()
    if file is None:
        raise HubError(
            404, _("No such file in this revision: %(path)s") % {"path": path}, "EntryNotFound"
        )
    try:
        response = downloads.presigned_redirect(
            request, file, model.ip_allowlist
        ) or downloads.file_response(request, file)
    except downloads.ContentUnavailable as exc:
        status, message = downloads.unavailable_answer(exc)
        error = HubError(status, message).response()
        return downloads.unavailable_headers(error, status)
    if request.method == "HEAD":
        response.hands_out_content = False  # headers only, no content to guard
    response["X-Repo-Commit"] = version_commit_id(version)
    response["X-Linked-Etag"] = f'"{file.sha256}"'
    response["X-Linked-Size"] = str(file.size_bytes)
    if request.method == "GET" and response.status_code in (200, 206, 302):
        audit_record(request, AuditAction.DOWNLOADED, model, version=version.name, path=path)
    return response


# Declared for the URLconf walk: a content route checked by the access module's download
# check, as `@download_route` views are.
resolve_view.download_route = True


def list_cursor(model, column: str) -> str:
    """Where the next page starts: the last row's sort value and id (a page costs the same
    however deep it is)."""
    value = getattr(model, column)
    shown = value.isoformat() if isinstance(value, datetime) else value
    return urlsafe_b64encode(json.dumps([shown, model.pk]).encode()).decode()


def after_cursor(models, cursor: str, column: str, ascending: bool):
    try:
        value, pk = json.loads(urlsafe_b64decode(cursor.encode()))
        if AIModel._meta.get_field(column).get_internal_type() == "DateTimeField":
            value = datetime.fromisoformat(value)
        pk = int(pk)
    except (ValueError, TypeError) as bad:
        raise HubError(400, _("The cursor is not valid.")) from bad
    beyond = "gt" if ascending else "lt"
    return models.filter(
        Q(**{f"{column}__{beyond}": value}) | Q(**{column: value, f"pk__{beyond}": pk})
    )


@require_safe
@hub_api
def model_list_view(request):
    models = AIModel.objects.visible_to(request.user).only(*LIST_COLUMNS)
    search = request.GET.get("search", "").strip()
    if search:
        models = models.search(search)
    author = request.GET.get("author", "").strip()
    if author:
        models = models.filter(repo_namespace=author)
    column = LIST_SORTS.get(request.GET.get("sort", ""), "updated_at")
    ascending = request.GET.get("direction") == "1"
    order = (column, "pk") if ascending else (f"-{column}", "-pk")
    models = models.order_by(*order)
    try:
        size = min(max(int(request.GET.get("limit", LIST_PAGE)), 1), LIST_PAGE_MAX)
    except ValueError as bad:
        raise HubError(400, _("The limit is not a number.")) from bad
    cursor = request.GET.get("cursor", "")
    if cursor:
        models = after_cursor(models, cursor, column, ascending)
    rows = list(models[: size + 1])
    page = rows[:size]
    more = len(rows) > size
    tags = tag_names_of(page)
    entries = [list_entry(m, tags.get(m.pk, [])) for m in page]
    return paginated(request, entries, list_cursor(page[-1], column) if more else None)
