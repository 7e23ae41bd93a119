"""The write side of the Hugging Face–compatible API (SPEC §12), as `huggingface_hub`
calls it with `HF_HUB_DISABLE_XET=1`: create a repository, ask which files go LFS, send LFS
objects (the hub takes the PUT itself with local storage; with S3 the client sends them
straight to the bucket through presigned URLs), commit. Writes need a `write`
token and a role that may upload to the model; refusals answer the JSON error the client
shows its user, with `X-Error-Code` where the client maps one to an exception."""

import json
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from models_app.access.roles import Action
from models_app.catalog.lookups import model_by_repo_id
from models_app.catalog.repoids import model_pk_for_repo_id, namespace_of, title_slug
from models_app.catalog.services import DuplicateTitle, model_create
from models_app.versions import blobs, staging
from models_app.versions.commits import CommitRefused, branch_create, commit_apply
from models_app.versions.models import StagedObject
from models_app.versions.paths import InvalidPath
from models_app.versions.revisions import MAIN, resolve_revision, version_commit_id
from models_app.versions.services import StorageFailed, VersionNameTaken

from .auth import token_api
from .hub_upload import (
    UPLOAD_URL_MAX_AGE,
    BadRequest,
    completed_parts,
    parse_commit,
    part_size,
    preupload_answer,
    staged_pk_of_ticket,
    upload_ticket,
    verified_ticket,
    verify_ticket,
)
from .scopes import Scope

LFS_CONTENT_TYPE = "application/vnd.git-lfs+json"
logger = logging.getLogger("modelhub.api")


def hub_error(message: str, status: int, code: str = "", **extra) -> JsonResponse:
    response = JsonResponse({"error": message, **extra}, status=status)
    if code:
        response["X-Error-Code"] = code
    return response


def _endpoint(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _json_body(request) -> dict:
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(_("The request body must be JSON.")) from exc
    if not isinstance(payload, dict):
        raise BadRequest(_("The request body must be a JSON object."))
    return payload


def _validation_message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def hub_write(view):
    """A write route on one model: a write token, the model found by its repository id for
    an upload (404 `RepoNotFound` when missing or not visible, alike; 403 for a role that
    may not upload), and the route's refusals as JSON."""

    @require_POST
    @token_api(scope=Scope.WRITE)
    def wrapper(request, namespace, name, **kwargs):
        try:
            model = model_by_repo_id(request, Action.UPLOAD, namespace=namespace, name=name)
        except Http404:
            return hub_error(_("Repository not found."), 404, "RepoNotFound")
        except PermissionDenied:
            return hub_error(
                _("Your role on this model does not allow uploads: ask for the editor role."),
                403,
            )
        try:
            return view(request, model, **kwargs)
        except BadRequest as exc:
            return hub_error(str(exc), 400)
        except CommitRefused as exc:
            return hub_error(str(exc), 404 if exc.code else 400, exc.code)
        except InvalidPath as exc:
            return hub_error(str(exc), 400)
        except staging.StagingRefused as exc:
            return hub_error(str(exc), 422)
        except ValidationError as exc:
            return hub_error(_validation_message(exc), 400)
        except StorageFailed as exc:
            return hub_error(str(exc), 503)

    return wrapper


@require_POST
@token_api(scope=Scope.WRITE)
def create_repo_view(request):
    try:
        payload = _json_body(request)
    except BadRequest as exc:
        return hub_error(str(exc), 400)
    if (payload.get("type") or "model") != "model":
        return hub_error(
            _("This hub holds models only: datasets and Spaces are not supported."), 400
        )
    name, namespace = payload.get("name"), namespace_of(request.user)
    organization = payload.get("organization")
    if organization and str(organization).lower() != namespace:
        return hub_error(
            _("You can create models only in your namespace “%(namespace)s”.")
            % {"namespace": namespace},
            403,
        )
    if not isinstance(name, str) or not name or title_slug(name) != name.lower():
        return hub_error(
            _("A repository name uses lowercase letters, digits, “-” and “_” only."), 400
        )
    url = f"{_endpoint(request)}/{namespace}/{name.lower()}"
    if model_pk_for_repo_id(namespace, name) is not None:
        return hub_error(_("You already have a model with this repository id."), 409, url=url)
    try:
        model = model_create(by=request, owner=request.user, title=name)
    except DuplicateTitle:
        return hub_error(_("You already have a model with this title."), 409, url=url)
    except ValidationError as exc:
        return hub_error(_validation_message(exc), 400)
    return JsonResponse(
        {
            "url": f"{_endpoint(request)}/{model.repo_id}",
            "name": model.repo_id,
            "id": str(model.uuid),
        }
    )


@hub_write
def preupload_view(request, model, rev):
    version = resolve_revision(model, rev)
    if version is None and rev != MAIN:
        return hub_error(
            _("This model has no revision “%(rev)s”.") % {"rev": rev}, 404, "RevisionNotFound"
        )
    return JsonResponse(preupload_answer(_json_body(request).get("files"), version))


@hub_write
def lfs_batch_view(request, model):
    payload = _json_body(request)
    if payload.get("operation") != "upload":
        raise BadRequest(_("Only LFS uploads go through this route; downloads use /resolve/."))
    announced = payload.get("objects")
    if not isinstance(announced, list):
        raise BadRequest(_("Send the objects as a list of {oid, size}."))
    objects = []
    for entry in announced:
        oid, size = (
            (entry.get("oid"), entry.get("size")) if isinstance(entry, dict) else (None, None)
        )
        try:
            staged = staging.stage_expect(model, sha256=oid, size=size, by=request)
        except staging.StagingRefused as exc:
            error = {"code": 422, "message": str(exc)}
            objects.append(
                {"oid": str(oid), "size": size if isinstance(size, int) else 0, "error": error}
            )
            continue
        answer = {"oid": oid, "size": size}
        if staged.received_at is None:
            answer["actions"] = _upload_actions(request, staged)
        objects.append(answer)
    body = {"transfer": "basic", "objects": objects, "hash_algo": "sha256"}
    return JsonResponse(body, content_type=LFS_CONTENT_TYPE)


def _upload_actions(request, staged) -> dict:
    """Where the client sends the object's bytes. Local storage: a PUT to the hub, which
    streams and hashes it. S3: straight to the bucket, one presigned PUT (then `verify`) or
    presigned parts of `chunk_size` bytes (then the completion at `href`, with the parts'
    ETags); the hub reads the object back to check its SHA-256 either way."""
    store = blobs.artifacts()
    if not store.can_presign:
        href = request.build_absolute_uri(
            reverse("api:lfs_upload", kwargs={"ticket": upload_ticket(staged)})
        )
        return {"upload": {"href": href, "header": {}}}
    chunk = part_size(staged.size_bytes)
    try:
        if chunk is None:
            put_url = store.presigned_put_url(staged.storage_key, UPLOAD_URL_MAX_AGE)
        else:
            upload_id = store.multipart_start(staged.storage_key)
            parts = -(-staged.size_bytes // chunk)
            urls = store.presigned_part_urls(
                staged.storage_key, upload_id, parts, UPLOAD_URL_MAX_AGE
            )
    except Exception as exc:
        logger.exception("no direct upload to storage for %s", staged.storage_key)
        raise StorageFailed(
            _("The storage cannot take uploads now. Please try again later.")
        ) from exc
    if chunk is None:
        verify = reverse("api:lfs_verify", kwargs={"ticket": verify_ticket(staged)})
        return {
            "upload": {"href": put_url, "header": {}},
            "verify": {"href": request.build_absolute_uri(verify), "header": {}},
        }
    header = {"chunk_size": str(chunk)}
    header.update({f"{number:05d}": url for number, url in enumerate(urls, start=1)})
    completion = reverse("api:lfs_verify", kwargs={"ticket": verify_ticket(staged, upload_id)})
    return {"upload": {"href": request.build_absolute_uri(completion), "header": header}}


@login_not_required
@csrf_exempt
@require_POST
def lfs_verify_view(request, ticket):
    """The client's word that an object is in the bucket: the completion of its parts (a
    multipart upload) or the LFS `verify` of a single PUT. The object is accepted once its
    size and SHA-256 are the announced ones; otherwise it is removed and the client shows
    the refusal. The signed ticket of the batch answer is the authority, as for the PUT."""
    signed = verified_ticket(ticket)
    staged = StagedObject.objects.filter(pk=signed[0]).first() if signed else None
    if staged is None:
        return hub_error(_("This upload URL is not valid or has expired."), 404)
    try:
        payload = _json_body(request)
        if signed[1] and staged.received_at is None:
            parts = completed_parts(payload, staged.sha256)
            staging.stage_complete_parts(staged, signed[1], parts)
        else:
            staging.stage_verify_stored(staged)
    except BadRequest as exc:
        return hub_error(str(exc), 400)
    except staging.StagingRefused as exc:
        return hub_error(str(exc), 422)
    return JsonResponse({"oid": staged.sha256, "size": staged.size_bytes})


@login_not_required
@csrf_exempt
@require_http_methods(["PUT"])
def lfs_upload_view(request, ticket):
    """The PUT of one LFS object. The client sends no token here (it PUTs as to S3): the
    signed ticket of the batch answer, given to a caller who may upload, is the authority."""
    staged = StagedObject.objects.filter(pk=staged_pk_of_ticket(ticket)).first()
    if staged is None:
        return hub_error(_("This upload URL is not valid or has expired."), 404)
    if staged.received_at is not None:
        return JsonResponse({"oid": staged.sha256, "size": staged.size_bytes})
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return hub_error(_("Content-Length is required."), 411)
    if length > settings.MAX_UPLOAD_BYTES:
        return hub_error(_("The object is larger than the upload limit."), 413)
    try:
        staging.stage_receive(staged, request, length)
    except staging.StagingRefused as exc:
        return hub_error(str(exc), 400)
    return JsonResponse({"oid": staged.sha256, "size": staged.size_bytes})


@hub_write
def commit_view(request, model, rev):
    # Read as a stream: inline files may add up to more than DATA_UPLOAD_MAX_MEMORY_SIZE.
    commit = parse_commit(request.read(), model)
    version = commit_apply(model, rev, commit, by=request)
    oid = version_commit_id(version)
    return JsonResponse(
        {
            "success": True,
            "commitOid": oid,
            "commitUrl": f"{_endpoint(request)}/{model.repo_id}/commit/{oid}",
            "hookOutput": "",
        }
    )


@hub_write
def create_branch_view(request, model, branch):
    if branch == MAIN:
        return hub_error(_("“main” always exists: it is the newest version."), 409)
    start = _json_body(request).get("startingPoint")
    base = resolve_revision(model, start) if isinstance(start, str) else None
    if isinstance(start, str) and base is None:
        return hub_error(
            _("This model has no revision “%(rev)s”.") % {"rev": start}, 404, "RevisionNotFound"
        )
    try:
        branch_create(model, branch, by=request, base=base)
    except VersionNameTaken as exc:
        return hub_error(str(exc), 409)
    return JsonResponse({"name": branch})


@require_POST
@token_api(scope=Scope.READ)
def validate_yaml_view(request):
    """The client checks a README's metadata before committing it. The hub shows any front
    matter as it is (versions/readme.py) and requires none, so there is nothing to refuse."""
    return JsonResponse({"errors": [], "warnings": []})
