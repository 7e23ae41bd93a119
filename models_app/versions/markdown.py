"""Markdown files of a version (a README, any `.md`): rendered with markdown-it-py, then
sanitised with the overview's rules (catalog/overview.py), so a README can show nothing an
overview could not; its YAML front matter (the Hugging Face model card's metadata) is read
with PyYAML's safe loader and shown as a few labelled values."""

import re
from dataclasses import dataclass, field

import yaml
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from markdown_it import MarkdownIt

from models_app.catalog.overview import sanitize_overview

# The model card keys shown, in this order (https://huggingface.co/docs/hub/model-cards).
FRONT_MATTER_KEYS = {
    "license": gettext_lazy("License"),
    "language": gettext_lazy("Language"),
    "datasets": gettext_lazy("Datasets"),
    "pipeline_tag": gettext_lazy("Pipeline tag"),
    "tags": gettext_lazy("Tags"),
}
MAX_FRONT_MATTER = 64 * 1024
# Sanitising costs about a second per 60 KB of HTML (bleach parses it whole): past this
# many characters of Markdown only the beginning is rendered. READMEs are far shorter.
RENDERED_CHARS = 128 * 1024
MAX_LIST_ITEMS = 30
MAX_VALUE_CHARS = 300

_FRONT_MATTER = re.compile(
    r"\A---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*$\r?\n?", re.S | re.M
)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# CommonMark with raw HTML allowed (READMEs use it for centred logos and badges): the
# sanitiser, not the parser, decides what survives. No tables: the overview's rules have no
# table elements, and a table stripped to its cells' text reads worse than its pipes.
_markdown = MarkdownIt("commonmark", {"html": True}).enable("strikethrough")


@dataclass
class MarkdownDocument:
    html: SafeString
    # [(label, value)] of the front matter keys shown
    metadata: list[tuple[str, str]] = field(default_factory=list)
    # Why the front matter could not be read, or "".
    metadata_problem: str = ""
    # Only the first RENDERED_CHARS were rendered.
    shortened: bool = False


def split_front_matter(text: str) -> tuple[str | None, str]:
    """(the YAML between the leading `---` lines, or None; the Markdown after it)."""
    text = text.removeprefix("\ufeff")
    match = _FRONT_MATTER.match(text)
    if match is None:
        return None, text
    return match.group(1), text[match.end() :]


def _shown(value) -> str:
    if isinstance(value, list):
        items = [_shown(item) for item in value[:MAX_LIST_ITEMS]]
        text = ", ".join(item for item in items if item)
        return text + (", …" if len(value) > MAX_LIST_ITEMS else "")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        text = str(value)
        return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS] + "…"
    return ""  # a mapping or anything else: not a value for a table cell


def read_front_matter(source: str) -> tuple[list[tuple[str, str]], str]:
    """([(label, value)] of the known keys, the problem or "")."""
    if len(source) > MAX_FRONT_MATTER:
        return [], _("The front matter is too long to read.")
    try:
        data = yaml.load(source, Loader=_YAML_LOADER)  # noqa: S506 — a safe loader
    except yaml.YAMLError:
        return [], _("The front matter is not valid YAML.")
    if data is None:
        return [], ""
    if not isinstance(data, dict):
        return [], _("The front matter is not a list of keys and values.")
    rows = []
    for key, label in FRONT_MATTER_KEYS.items():
        value = _shown(data.get(key))
        if value:
            rows.append((str(label), value))
    return rows, ""


def render_markdown(text: str) -> MarkdownDocument:
    """The document's HTML (sanitised) and its front matter's known keys."""
    front_matter, body = split_front_matter(text)
    rows, problem = read_front_matter(front_matter) if front_matter is not None else ([], "")
    shortened = len(body) > RENDERED_CHARS
    if shortened:
        # At a paragraph break, so no block is cut in two.
        body = body[: body.rfind("\n\n", 0, RENDERED_CHARS) + 1 or RENDERED_CHARS]
    # sanitize_overview leaves only the overview's tags and attributes.
    html = mark_safe(sanitize_overview(_markdown.render(body)))  # noqa: S308
    return MarkdownDocument(html=html, metadata=rows, metadata_problem=problem, shortened=shortened)
