"""Overview rich text (S-7): sanitised with bleach to an allowlist before it is stored."""

import re

import bleach

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

_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[],
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
    cleaned = _cleaner.clean(_drop_dangerous_elements(html))
    cleaned = bleach.linkify(
        cleaned,
        callbacks=[_link_attributes],
        skip_tags={"pre", "code"},
        parse_email=False,
    )
    return cleaned.strip()


def _link_attributes(attrs, new=False):
    attrs[(None, "rel")] = "nofollow noopener noreferrer"
    attrs[(None, "target")] = "_blank"
    return attrs
