import mimetypes
from urllib.parse import quote, unquote

from django.conf import settings
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from models_app.access.caller import caller_of
from models_app.access.downloads import download_route
from models_app.access.roles import Action
from models_app.audit.models import AuditAction
from models_app.audit.services import audit_record
from models_app.catalog.lookups import model_by_ref
from models_app.catalog.modelpage import model_page, model_page_context

from . import blobs, downloads
from .forms import VersionForm
from .listing import breadcrumb, folder_exists, list_folder, nearest_folder
from .models import ModelVersion, VersionFile
from .paths import InvalidPath, normalize_folder, normalize_path, normalize_paths
from .preview import file_preview
from .sections import rendered_version_sections
from .services import (
    Incoming,
    StorageFailed,
    VersionNameTaken,
    downloadable_version,
    file_delete,
    files_store,
    next_version_name,
    version_create,
    version_delete,
    version_update,
)
from .uploadhandlers import StreamingUploadHandler


def _version(model, name) -> ModelVersion:
    return get_object_or_404(ModelVersion, model=model, name=name)


def _page(request, model, template, status=200, **context):
    return model_page(request, model, "versions", template, status=status, **context)


@require_safe
def versions_tab_view(request, ref):
    model = model_by_ref(request, Action.VIEW, ref=ref)
    versions = model.versions.order_by("number")
    return _page(request, model, "versions/versions_tab.html", versions=versions)


@require_http_methods(["GET", "HEAD", "POST"])
def version_create_view(request, ref):
    model = model_by_ref(request, Action.EDIT, ref=ref)
    if request.method != "POST":
        form = VersionForm(initial={"name": next_version_name(model)})
        return _page(request, model, "versions/version_form.html", form=form)
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            version = version_create(model, by=caller_of(request), **form.cleaned_data)
        except VersionNameTaken as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, _("Version “%(name)s” created.") % {"name": version.name})
            return redirect("versions:detail", ref=model.uuid, name=version.name)
    return _page(request, model, "versions/version_form.html", status=400, form=form)


@require_safe
@vary_on_headers("HX-Request", "HX-Target", "HX-History-Restore-Request")
def version_detail_view(request, ref, name):
    model = model_by_ref(request, Action.VIEW, ref=ref)
    version = _version(model, name)
    try:
        folder = normalize_folder(request.GET.get("path"))
    except InvalidPath as exc:
        raise Http404(str(exc)) from exc
    if not folder_exists(version, folder):
        raise Http404(_("No such folder in this version."))
    listing = list_folder(version, folder)
    htmx = request.htmx
    # A history restore (the back button) needs the whole page, whatever its target.
    if htmx and htmx.target == "file-browser" and not htmx.history_restore_request:
        context = model_page_context(
            request, model, "versions", version=version, listing=listing, oob=True
        )
        return render(request, "versions/_file_browser_update.html", context)
    return _page(
        request,
        model,
        "versions/version_detail.html",
        version=version,
        listing=listing,
        version_sections=rendered_version_sections(request, version),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def version_edit_view(request, ref, name):
    model = model_by_ref(request, Action.EDIT, ref=ref)
    version = _version(model, name)
    if request.method != "POST":
        initial = {
            "name": version.name,
            "status": version.status,
            "tags": ", ".join(version.tags),
            "notes": version.notes,
        }
        form = VersionForm(initial=initial, require_name=True)
        return _page(request, model, "versions/version_form.html", form=form, version=version)
    form = VersionForm(request.POST, require_name=True)
    if form.is_valid():
        try:
            version_update(version, by=caller_of(request), **form.cleaned_data)
        except VersionNameTaken as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, _("Version “%(name)s” saved.") % {"name": version.name})
            return redirect("versions:detail", ref=model.uuid, name=version.name)
    version.refresh_from_db()
    return _page(
        request, model, "versions/version_form.html", status=400, form=form, version=version
    )


@require_POST
def version_delete_view(request, ref, name):
    model = model_by_ref(request, Action.DELETE, ref=ref)
    version = _version(model, name)
    version_delete(version, by=caller_of(request))
    messages.success(request, _("Version “%(name)s” deleted.") % {"name": name})
    return redirect("versions:tab", ref=model.uuid)


@require_POST
def file_delete_view(request, ref, name):
    """Deletes one file (`path` in the form); its object goes once the transaction commits."""
    model = model_by_ref(request, Action.DELETE, ref=ref)
    version = _version(model, name)
    path = request.POST.get("path", "")
    file = VersionFile.objects.filter(version=version, path=path).first()
    # file_delete re-reads the row under lock: it may have gone since (deleted meanwhile).
    if file is None or not file_delete(file, by=caller_of(request)):
        raise Http404(_("No such file in this version."))
    messages.success(request, _("“%(path)s” deleted.") % {"path": path})
    folder = path.rpartition("/")[0]
    folder = nearest_folder(version, folder + "/" if folder else "")
    url = reverse("versions:detail", kwargs={"ref": model.uuid, "name": name})
    return redirect(f"{url}?path={quote(folder)}" if folder else url)


@csrf_exempt
@require_POST
def version_upload_view(request, ref, name):
    """Two ways in: one file as the raw request body with its path in `X-Upload-Path`
    (the browser's uploader), or a multipart form with `files` and `paths` (scripts, no JS).
    The permission is checked before any byte of the body is read."""
    model = model_by_ref(request, Action.UPLOAD, ref=ref)
    version = _version(model, name)
    if request.content_type != "multipart/form-data":
        return _upload_raw(request, model, version)
    handler = StreamingUploadHandler(request, model)
    request.upload_handlers = [handler]
    try:
        return _upload_multipart(request, model, version, handler)
    finally:
        handler.discard_unclaimed()


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "") or (
        request.content_type != "multipart/form-data"
    )


def _upload_error(request, model, version, message, status):
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    listing = list_folder(version, "")
    return _page(
        request,
        model,
        "versions/version_detail.html",
        status=status,
        version=version,
        listing=listing,
        upload_error=message,
    )


def _guess_type(path: str) -> str:
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


@csrf_protect
def _upload_raw(request, model, version):
    raw_path = request.headers.get("X-Upload-Path")
    if raw_path is None:
        return _upload_error(
            request, model, version, _("Send the file's path in the X-Upload-Path header."), 400
        )
    try:
        path = normalize_path(unquote(raw_path, errors="strict"))
    except (InvalidPath, UnicodeDecodeError) as exc:
        return _upload_error(request, model, version, str(exc), 400)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return _upload_error(request, model, version, _("Content-Length is required."), 411)
    if length > settings.MAX_UPLOAD_BYTES:
        return _upload_error(request, model, version, _too_large(path), 413)
    reader = blobs.HashingReader(request, expected=length)
    items = [Incoming(path=path, source=reader, content_type=_guess_type(path))]
    return _store(request, model, version, items)


def _too_large(path: str) -> str:
    return _("“%(path)s” is larger than the limit of %(limit)s.") % {
        "path": path,
        "limit": filesizeformat(settings.MAX_UPLOAD_BYTES),
    }


@csrf_protect
def _upload_multipart(request, model, version, handler):
    files = request.FILES.getlist("files")
    raw_paths = request.POST.getlist("paths")
    if not files:
        return _upload_error(request, model, version, _("Choose at least one file."), 400)
    if raw_paths and len(raw_paths) != len(files):
        return _upload_error(
            request,
            model,
            version,
            _("%(paths)d paths were sent for %(files)d files; send one path per file.")
            % {"paths": len(raw_paths), "files": len(files)},
            400,
        )
    try:
        paths = normalize_paths(raw_paths or [f.client_name for f in files])
    except InvalidPath as exc:
        return _upload_error(request, model, version, str(exc), 400)
    for path, upload in zip(paths, files, strict=True):
        if upload.too_large:
            return _upload_error(request, model, version, _too_large(path), 413)
    if any(upload.failed for upload in files):
        message = _("The file could not be stored; nothing was saved. Please try again later.")
        return _upload_error(request, model, version, message, 503)
    items = [
        Incoming(path=p, source=f, content_type=_guess_type(p))
        for p, f in zip(paths, files, strict=True)
    ]
    # From here files_store records the objects or removes them.
    handler.claimed = True
    return _store(request, model, version, items)


def _store(request, model, version, items):
    try:
        saved = files_store(version, items, by=caller_of(request))
    except blobs.TooLarge:
        return _upload_error(request, model, version, _too_large(items[0].path), 413)
    except blobs.Truncated:
        return _upload_error(
            request, model, version, _("The upload ended early; nothing was saved."), 400
        )
    except InvalidPath as exc:  # a name that would be both a file and a folder
        return _upload_error(request, model, version, str(exc), 400)
    except StorageFailed as exc:
        return _upload_error(request, model, version, str(exc), 503)
    if _wants_json(request):
        return JsonResponse(
            {"files": [{"path": r.path, "size": r.size_bytes, "sha256": r.sha256} for r in saved]},
            status=201,
        )
    messages.success(
        request,
        _("%(count)d file(s) uploaded to %(name)s.") % {"count": len(saved), "name": version.name},
    )
    return redirect("versions:detail", ref=model.uuid, name=version.name)


@require_safe
@download_route(model_by_ref)
def file_download_view(request, ref, name, path, *, model):
    version = _version(model, name)
    file = VersionFile.objects.filter(version=version, path=path).first()
    if file is None:
        raise Http404(_("No such file in this version."))
    try:
        response = downloads.presigned_redirect(
            request, file, model.ip_allowlist
        ) or downloads.file_response(request, file)
    except downloads.ContentUnavailable as exc:
        return _unavailable(request, model, exc)
    if request.method == "GET" and response.status_code in (200, 206, 302):
        audit_record(request, AuditAction.DOWNLOADED, model, version=name, path=path)
    return response


def _unavailable(request, model, exc):
    """A file or zip whose content cannot be sent: a page, or JSON for a script."""
    status, message = downloads.unavailable_answer(exc)
    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"error": message}, status=status)
    else:
        response = _page(
            request, model, "versions/content_unavailable.html", status=status, message=message
        )
    return downloads.unavailable_headers(response, status)


@require_safe
@download_route(model_by_ref)
def file_preview_view(request, ref, name, path, *, model):
    """The file shown in the page (issue 11): what it holds, read from its first MiB or its
    header. It is content, so it is a download route: the allowlist applies."""
    version = _version(model, name)
    file = VersionFile.objects.filter(version=version, path=path).first()
    if file is None:
        raise Http404(_("No such file in this version."))
    raw = request.GET.get("view") == "raw"
    # A HEAD answers as the GET would without reading the file.
    preview = file_preview(file, raw=raw) if request.method == "GET" else None
    folder = path.rpartition("/")[0]
    response = _page(
        request,
        model,
        "versions/file_preview.html",
        status={"unavailable": 503, "missing": 410}.get(getattr(preview, "kind", ""), 200),
        version=version,
        file=file,
        preview=preview,
        crumbs=breadcrumb(folder + "/" if folder else ""),
        file_name=path.rpartition("/")[2],
    )
    response.hands_out_content = True
    return response


@require_safe
@download_route(model_by_ref)
def version_download_view(request, ref, name, *, model):
    version = _version(model, name)
    return _zip(request, model, version)


@require_safe
@download_route(model_by_ref)
def model_download_view(request, ref, *, model):
    version = downloadable_version(model)
    if version is None:
        raise Http404(_("No version of this model has files to download yet."))
    return _zip(request, model, version)


def _zip(request, model, version):
    try:
        response = downloads.zip_response(request, version)
    except downloads.ContentUnavailable as exc:
        return _unavailable(request, model, exc)
    if request.method == "GET":
        audit_record(request, AuditAction.DOWNLOADED, model, version=version.name, zip=True)
    return response
