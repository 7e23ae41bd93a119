"""The README of a model's newest version as part of its Model card tab (issue 11): rendered
and sanitised as any Markdown file (markdown.py), with its front matter as a small table.

A README is a file of the model, so it is shown only to callers whose address may download
the model's files (the allowlist applies as to a preview); the others are told why.
"""

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.translation import get_language

from models_app.access.caller import caller_of
from models_app.access.downloads import download_allowed

from .markdown import MarkdownDocument, render_markdown
from .models import VersionFile
from .preview import PREVIEW_BYTES, StorageUnavailable, decoded_text, stored_bytes
from .services import latest_version

README_NAME = "README.md"
# Rendered READMEs are kept by content (SHA-256) and language: the same bytes render alike.
CACHE_SECONDS = 60 * 60


def newest_readme(model) -> VersionFile | None:
    """README.md at the top of the model's newest version (any case of the name)."""
    version = latest_version(model)
    if version is None:
        return None
    return version.files.filter(path__iexact=README_NAME).order_by("path").first()


def readme_document(file: VersionFile) -> MarkdownDocument | None:
    """The README rendered from its first PREVIEW_BYTES; None when it is not UTF-8 text."""
    key = f"modelhub:readme:{file.sha256}:{get_language()}"
    document = cache.get(key)
    if document is None:
        length = min(file.size_bytes, PREVIEW_BYTES)
        text = decoded_text(stored_bytes(file, 0, length), cut=file.size_bytes > length)
        if text is None:
            return None
        document = render_markdown(text)
        cache.set(key, document, CACHE_SECONDS)
    return document


def readme_section(request, page) -> str:
    """The README section of the Model card tab, or "" when the newest version has none."""
    file = newest_readme(page.model)
    if file is None:
        return ""
    context = {"model": page.model, "file": file, "version": file.version}
    if not download_allowed(caller_of(request), page.model):
        context["refused"] = True
    else:
        try:
            context["document"] = readme_document(file)
        except StorageUnavailable:
            context["unavailable"] = True
    return render_to_string("versions/_readme_section.html", context, request)
