"""Finding English left on a page meant to be Japanese: in the HTML a user reads, in the
strings of the page scripts, in the words of the vendored rich-text editor."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

# Attributes whose values people read (or hear), and those the page scripts show.
TEXT_ATTRIBUTES = frozenset({"title", "placeholder", "aria-label", "alt", "data-none"})

# English that stays English on a Japanese page: the product's name, the language switch's
# own name for English, formats and units, protocol names, and the word a user types to
# confirm a delete.
SAME_IN_JAPANESE = frozenset(
    {
        "ModelHub",
        "English",
        "ZIP",
        # Tools and names of the API's clients, and the token scope as the API spells it.
        "Hugging",
        "Face",
        "Python",
        # Runtimes' product names.
        "ONNX",
        "Runtime",
        "OpenAI",
        "curl",
        "hf",
        "transformers",
        "read",
        "ID",
        "zip",
        "Cookie",
        "sessionid",
        "PNG",
        "JPEG",
        "GIF",
        "WebP",
        "KB",
        "MB",
        "GB",
        "TB",
        "PB",
        "IP",
        "API",
        "CIDR",
        "SHA",
        "URL",
        "HTTP",
        "confirm",
        # Frameworks and architectures the tag fields give as examples.
        "PyTorch",
        "TensorFlow",
        "JAX",
        "BERT",
        "DistilBERT",
        "EfficientNet",
        "Transformer",
        # A file format the version tags give as an example.
        "gguf",
    }
)


# Elements whose text is not words of the interface: code (a command is the same in every
# language) and what the page marks as not to be translated (HTML's translate="no").
_NOT_TEXT = frozenset({"script", "style", "pre", "code", "kbd", "samp"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


class _Reader(HTMLParser):
    """The text of a page as its reader meets it: text, text attributes, JSON data blocks
    (words a script puts on the page); not code, nor what is marked translate="no"."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skipped: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._skipped or tag in _NOT_TEXT or attrs.get("translate") == "no":
            if tag not in _VOID:
                self._skipped.append((tag, attrs.get("type") or ""))
            return
        self.texts.extend(
            value for name, value in attrs.items() if name in TEXT_ATTRIBUTES and value
        )

    def handle_endtag(self, tag):
        if self._skipped and self._skipped[-1][0] == tag:
            self._skipped.pop()

    def handle_data(self, data):
        if not self._skipped:
            self.texts.append(data)
        elif self._skipped == [("script", "application/json")]:
            self.texts.extend(_strings_in(json.loads(data)))


def _strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in _strings_in(item)]
    return []


def page_texts(html: str) -> list[str]:
    reader = _Reader()
    reader.feed(html)
    return reader.texts


# Addresses, paths, file and host names, identifiers and examples (v1, fp16, IPv4), hashes,
# placeholders a script fills in (%(status)s): content, not interface words.
_NOT_WORDS = re.compile(r"[@/\\_]|\w\.\w|\d|^[0-9a-f]{12,}$|%\(")


def english_words(texts: list[str]) -> set[str]:
    """The English words among `texts`, but those that stay English in Japanese."""
    found = set()
    for text in texts:
        for token in text.split():
            if _NOT_WORDS.search(token):
                continue
            found.update(re.findall(r"[A-Za-z]{2,}", token))
    return found - SAME_IN_JAPANESE


def script_strings(source: str) -> list[str]:
    """The string literals of a JavaScript source (quotes and backticks), comments skipped.
    Enough for the hub's own small modules, which use no regular-expression literals."""
    strings, i = [], 0
    while i < len(source):
        char = source[i]
        if source.startswith("//", i):
            end = source.find("\n", i)
            i = len(source) if end < 0 else end
        elif source.startswith("/*", i):
            i = source.index("*/", i) + 2
        elif char in "\"'`":
            end = i + 1
            while source[end] != char:
                end += 2 if source[end] == "\\" else 1
            strings.append(source[i + 1 : end])
            i = end + 1
        else:
            i += 1
    return strings


# Literals a script uses that are not shown: HTTP headers, key names.
SCRIPT_NAMES = frozenset(
    {
        "Accept",
        "Content-Type",
        "X-CSRFToken",
        "X-Upload-Path",
        "Escape",
        "Enter",
        "Tab",
        "Backspace",
        # Python's constants, written into the playground's code snippets.
        "True",
        "False",
        "None",
    }
)
_PROSE = re.compile(r"\b[A-Z][a-z]{2,}\b|(?:\b[a-z]{2,}[ \u00a0]+){2}[a-z]{2,}\b")


def prose_in_script(source: str) -> list[str]:
    """The literals of a script that read as words for people: a capitalised word, or three
    words in a row. A script's words come from the page, rendered in its language."""
    return [
        text
        for text in script_strings(source)
        if text not in SCRIPT_NAMES and _PROSE.search(re.sub(r"\$\{[^}]*\}", " ", text))
    ]


def trix_lang(path: Path) -> dict[str, str]:
    """The vendored Trix's `config.lang`: its default English words by key."""
    source = path.read_text(encoding="utf-8")
    match = re.search(r"\{(attachFiles:\"[^}]*)\}", source)
    assert match, f"Trix's lang object not found in {path}"
    return dict(re.findall(r"(\w+):\"([^\"]*)\"", match.group(1)))
