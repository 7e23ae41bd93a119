"""Reading a gettext catalogue and finding the strings the code marks for translation,
without the gettext tools, so the translation tests run anywhere."""

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation.template import templatize

# The keywords `makemessages` passes to xgettext, with the positions of (context, singular,
# plural) among the call's arguments.
KEYWORDS = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]|%[sd]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (the header, msgid "", included)."""
    entries: list[Entry] = []
    entry, has_msgstr, target = Entry(), False, ("msgid", None)
    for raw in path.read_text(encoding="utf-8").splitlines():
        raw = raw.strip()
        obsolete = raw.startswith("#~") and not raw.startswith("#~|")
        line = raw[2:].strip() if obsolete else raw
        if not line:
            continue
        keyword, _, rest = line.partition(" ")
        starts_entry = line.startswith("#") or keyword in ("msgctxt", "msgid")
        if starts_entry and has_msgstr:
            entries.append(entry)
            entry, has_msgstr = Entry(), False
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, name, (getattr(entry, name) or "") + _unquote(line))
        else:
            entry.obsolete = entry.obsolete or obsolete
            plural = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if plural or keyword == "msgstr":
                target = ("msgstr", int(plural.group(1)) if plural else 0)
                entry.msgstr[target[1]] = _unquote(rest)
                has_msgstr = True
            else:
                target = (keyword, None)
                setattr(entry, keyword, _unquote(rest))
    if has_msgstr:
        entries.append(entry)
    return entries


def _calls(source: str):
    """(name, [string arguments or None]) for each call of a gettext keyword in `source`."""
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(source).readline)
        if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT)
    ]
    for i, token in enumerate(tokens[:-1]):
        if token.type != tokenize.NAME or token.string not in KEYWORDS:
            continue
        if tokens[i + 1].string != "(" or (i and tokens[i - 1].string in (".", "def")):
            continue
        args, current, depth = [], "", 0
        strings_only = True
        for tok in tokens[i + 2 :]:
            if tok.string in "([{" and tok.type == tokenize.OP:
                depth += 1
            elif tok.string in ")]}" and tok.type == tokenize.OP:
                if depth == 0:
                    args.append(current if strings_only and current != "" else None)
                    break
                depth -= 1
            if depth == 0 and tok.type == tokenize.OP and tok.string == ",":
                args.append(current if strings_only and current != "" else None)
                current, strings_only = "", True
                continue
            if tok.type == tokenize.STRING and depth == 0:
                current += ast.literal_eval(tok.string)
            elif tok.type != tokenize.OP or tok.string not in "()":
                strings_only = False
        yield token.string, args


def messages_in(source: str) -> set[tuple[str | None, str]]:
    """The (context, msgid) pairs that xgettext would find in Python-like `source`."""
    found = set()
    for name, args in _calls(source):
        ctx_at, singular_at, _plural_at = KEYWORDS[name]
        if len(args) <= singular_at or args[singular_at] is None:
            continue
        context = args[ctx_at] if ctx_at is not None else None
        found.add((context, args[singular_at]))
    return found


def source_messages(root: Path) -> dict[tuple[str | None, str], str]:
    """Every marked string of the project's code and templates, with one file it is in."""
    found: dict[tuple[str | None, str], str] = {}
    for folder in ("modelhub", "models_app"):
        for path in sorted((root / folder).rglob("*.py")):
            for key in messages_in(path.read_text(encoding="utf-8")):
                found.setdefault(key, str(path.relative_to(root)))
    for path in sorted((root / "templates").rglob("*")):
        if path.suffix in (".html", ".txt"):
            source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
            # Only the calls matter; the masked text keeps the template's indentation.
            source = "\n".join(line.strip() for line in source.splitlines())
            for key in messages_in(source):
                found.setdefault(key, str(path.relative_to(root)))
    return found


def placeholders(text: str) -> set[str]:
    return {match.group(0) for match in PLACEHOLDER.finditer(text)}
