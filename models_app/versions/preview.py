"""What the preview of one file of a version shows (issue 11): text files highlighted,
Markdown rendered, CSV as a table, JSON pretty-printed, from the first PREVIEW_BYTES of the
file; safetensors and GGUF files as their tensor table and metadata, read from the header
alone; anything else as its size and SHA-256.

Only what is shown is read from storage, through `blobs.artifacts().chunks(key, start,
length)` (a Range read on S3): never a whole file.
"""

import csv
import io
import json
import logging
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import JsonLexer, TextLexer, get_lexer_for_filename
from pygments.util import ClassNotFound

from . import blobs
from .headers import UnreadableHeader, WeightsHeader, read_header, weights_format
from .markdown import MarkdownDocument, render_markdown
from .models import VersionFile

logger = logging.getLogger("modelhub.versions")

PREVIEW_BYTES = 1024 * 1024
# Colouring costs about a second per MiB of code and makes HTML eight times the text: past
# this many characters the text is shown plain.
HIGHLIGHT_CHARS = 200_000
CSV_ROWS = 200
CSV_COLUMNS = 50
# Raw or pretty-printed text is cut here (a pretty-printed JSON file grows several-fold).
SHOWN_CHARS = PREVIEW_BYTES
MARKDOWN_SUFFIXES = (".md", ".markdown")
CSV_DELIMITERS = {".csv": ",", ".tsv": "\t"}
# Bytes that never occur in text (other than tab, line feed, form feed, carriage return).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


class StorageUnavailable(Exception):
    """The storage did not answer a read."""


class ContentMissing(Exception):
    """The storage does not hold the file's object (check_storage lists it as missing)."""


def stored_bytes(file: VersionFile, start: int, length: int) -> bytes:
    """[start, start+length) of the file's object."""
    try:
        return blobs.read_range(file.storage_key, start, length)
    except blobs.ObjectMissing as exc:
        logger.error("stored object missing: %s (%s)", file.storage_key, file)
        raise ContentMissing from exc
    except Exception as exc:
        logger.exception("could not read %s of %s", file.storage_key, file)
        raise StorageUnavailable from exc


def file_header(file: VersionFile) -> WeightsHeader:
    """The safetensors or GGUF header of `file` (UnreadableHeader when it has none)."""
    return read_header(
        file.path, lambda start, length: stored_bytes(file, start, length), file.size_bytes
    )


def decoded_text(data: bytes, cut: bool) -> str | None:
    """`data` as UTF-8 text, or None when it is not text (a NUL or another control byte, or
    not UTF-8). `cut`: the data stops inside the file, maybe inside a character."""
    if any(byte in data for byte in _CONTROL_BYTES):
        return None
    for drop in range(4 if cut else 1):
        try:
            return data[: len(data) - drop].decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
    return None


def highlighted(text: str, path: str, lexer=None) -> SafeString:
    """The text as HTML in a <pre>, coloured by Pygments for the file's kind (by its name)
    as far as HIGHLIGHT_CHARS, plain after that."""
    if lexer is None:
        try:
            lexer = get_lexer_for_filename(path, stripnl=False, ensurenl=False)
        except ClassNotFound:
            lexer = TextLexer(stripnl=False, ensurenl=False)
    head, rest = text, ""
    if len(text) > HIGHLIGHT_CHARS:
        split = text.rfind("\n", 0, HIGHLIGHT_CHARS) + 1 or HIGHLIGHT_CHARS
        head, rest = text[:split], text[split:]
    coloured = highlight(head, lexer, HtmlFormatter(nowrap=True))
    # Pygments escapes the text it colours; the plain rest is escaped here.
    return mark_safe(f'<pre class="highlight code-view">{coloured}{escape(rest)}</pre>')  # noqa: S308


def csv_rows(text: str, delimiter: str, cut: bool) -> tuple[list[list[str]], bool] | None:
    """The first CSV_ROWS + 1 rows (the first is the header) and whether there are more;
    None when the text is no CSV the reader accepts."""
    if cut:
        text = text[: text.rfind("\n") + 1]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            if len(rows) > CSV_ROWS:
                return rows, True
            rows.append(row[:CSV_COLUMNS])
    except csv.Error:
        return None
    return rows, cut


@dataclass
class Preview:
    """How one file is shown: `kind` is one of "weights", "markdown", "json", "csv", "text",
    "binary", "empty", "unavailable", "missing"."""

    kind: str
    file: VersionFile
    raw: bool = False
    html: SafeString = SafeString("")
    # The first PREVIEW_BYTES were shown, not the whole file.
    cut: bool = False
    document: MarkdownDocument | None = None
    header: WeightsHeader | None = None
    header_problem: str = ""
    rows: list[list[str]] = field(default_factory=list)
    more_rows: bool = False
    note: str = ""

    @property
    def shows_text(self) -> bool:
        """Whether the file is text, which "Show raw" shows as written."""
        return self.kind in ("markdown", "json", "csv", "text")


def _suffix(path: str) -> str:
    name = path.rsplit("/", 1)[-1].lower()
    return name[name.rfind(".") :] if "." in name else ""


def file_preview(file: VersionFile, *, raw: bool = False) -> Preview:
    """The preview of `file`; `raw`: its text as it is, not rendered."""
    try:
        return _preview(file, raw)
    except StorageUnavailable:
        return Preview(kind="unavailable", file=file)
    except ContentMissing:
        return Preview(kind="missing", file=file)


def _preview(file: VersionFile, raw: bool) -> Preview:
    if weights_format(file.path):
        try:
            return Preview(kind="weights", file=file, header=file_header(file))
        except UnreadableHeader as exc:
            return Preview(kind="binary", file=file, header_problem=str(exc))
    if file.size_bytes == 0:
        return Preview(kind="empty", file=file)
    length = min(file.size_bytes, PREVIEW_BYTES)
    cut = file.size_bytes > length
    text = decoded_text(stored_bytes(file, 0, length), cut)
    if text is None:
        return Preview(kind="binary", file=file)
    suffix = _suffix(file.path)
    if raw:
        return Preview(kind="text", file=file, raw=True, cut=cut, html=_plain(text))
    if suffix in MARKDOWN_SUFFIXES:
        return Preview(kind="markdown", file=file, cut=cut, document=render_markdown(text))
    if suffix == ".json":
        return _json_preview(file, text, cut)
    if suffix in CSV_DELIMITERS:
        table = csv_rows(text, CSV_DELIMITERS[suffix], cut)
        if table is not None and table[0]:
            rows, more = table
            return Preview(kind="csv", file=file, cut=cut, rows=rows, more_rows=more)
    return Preview(kind="text", file=file, cut=cut, html=highlighted(text, file.path))


def _plain(text: str) -> SafeString:
    return mark_safe(f'<pre class="code-view">{escape(text)}</pre>')  # noqa: S308


def _json_preview(file: VersionFile, text: str, cut: bool) -> Preview:
    lexer = JsonLexer(stripnl=False, ensurenl=False)
    if cut:
        note = _("The file is longer than what is shown, so it is shown as written.")
        return Preview(
            kind="text", file=file, cut=cut, html=highlighted(text, "", lexer), note=note
        )
    try:
        pretty = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        note = _("This is not valid JSON; it is shown as written.")
        return Preview(kind="text", file=file, html=highlighted(text, "", lexer), note=note)
    shown = pretty[:SHOWN_CHARS]
    return Preview(
        kind="json", file=file, cut=len(pretty) > len(shown), html=highlighted(shown, "", lexer)
    )
