"""Overview rich text (S-7): sanitised with bleach to an allowlist before it is stored."""

import re
from functools import partial

import bleach
from bleach.html5lib_shim import Filter
from bleach.linkifier import LinkifyFilter

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "div",
        "span",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "s",
        "del",
        "h1",
        "h2",
        "h3",
        "h4",
        "ul",
        "ol",
        "li",
        "a",
        "code",
        "pre",
        "blockquote",
        "hr",
    }
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# Elements whose content is code or styling, not text: dropped whole, not unwrapped.
_DROP_PATTERN = re.compile(
    r"<(script|style|iframe|object|embed|template|noscript)\b[^>]*>.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)

_SETTLING_PASSES = 4


def _link_attributes(attrs, new=False):
    attrs[(None, "rel")] = "nofollow noopener noreferrer"
    attrs[(None, "target")] = "_blank"
    return attrs


class _KeepLeadingNewlineOfPre(Filter):
    """The HTML parser drops one newline right after `<pre>`, and the serialiser does not put it
    back: `<pre>` content starting with a newline lost one more on every save. Writing one extra
    newline there gives the next parse exactly the content this one saw."""

    def __iter__(self):
        after_pre = False
        for token in super().__iter__():
            if (
                after_pre
                and token["type"] in ("Characters", "SpaceCharacters")
                and token["data"].startswith("\n")
            ):
                token = {**token, "data": "\n" + token["data"]}
            after_pre = token["type"] == "StartTag" and token["name"] == "pre"
            yield token


# Linkify runs as a filter of the one sanitising pass, on the parsed tree: run as a second pass
# over serialised HTML it escaped the entities inside <code> and <pre> again, so each save of
# `x &lt; y` gained another `amp;`. One pass keeps sanitising idempotent.
_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[
        partial(
            LinkifyFilter,
            callbacks=[_link_attributes],
            skip_tags={"pre", "code"},
            parse_email=False,
        ),
        _KeepLeadingNewlineOfPre,
    ],
)


def _drop_dangerous_elements(html: str) -> str:
    # Cosmetic only: bleach below is what makes the result safe; this keeps the text of a
    # script or stylesheet from showing up as overview prose.
    return _DROP_PATTERN.sub("", html)


def sanitize_overview(html: str) -> str:
    """Safe HTML for the overview: formatting, lists, headings, code, quotes and http(s)/mailto
    links only; scripts, event handlers, styles, frames and javascript:/data: URLs never pass."""
    if not html or not html.strip():
        return ""
    cleaned = _clean_once(html)
    # Misnested markup (`<h1><a><h1>`) parses into a tree no markup can spell; its serialisation
    # reads back as a different tree. Cleaning until the text stops changing stores what the
    # next save will read back; clean input (any overview saved before) settles in one pass.
    for _ in range(_SETTLING_PASSES):
        if cleaned == html:
            break
        html, cleaned = cleaned, _clean_once(cleaned)
    return cleaned


def _clean_once(html: str) -> str:
    return _cleaner.clean(_drop_dangerous_elements(html)).strip()
