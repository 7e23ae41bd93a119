import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from models_app.catalog.overview import ALLOWED_TAGS, sanitize_overview


@pytest.mark.parametrize(
    "hostile, forbidden",
    [
        ("<p>hi</p><script>alert(1)</script>", "<script"),
        ("<p>hi</p><script>alert(1)</script>", "alert(1)"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<p onclick="alert(1)">x</p>', "onclick"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
        ('<iframe src="https://evil.test"></iframe>', "<iframe"),
        ("<style>body{display:none}</style><p>x</p>", "<style"),
        ("<style>body{display:none}</style><p>x</p>", "display:none"),
        ('<p style="position:fixed">x</p>', "style="),
        ("<svg><script>alert(1)</script></svg>", "<svg"),
        ('<form action="/x"><input name="a"></form>', "<form"),
    ],
)
def test_hostile_fragments_never_survive(hostile, forbidden):
    assert forbidden.lower() not in sanitize_overview(hostile).lower()


def test_formatting_survives():
    html = (
        "<h1>Title</h1><p><strong>bold</strong> <em>italic</em></p>"
        "<ul><li>one</li></ul><ol><li>two</li></ol><pre>code</pre><blockquote>q</blockquote>"
    )
    cleaned = sanitize_overview(html)
    for tag in ("<h1>", "<strong>", "<em>", "<ul>", "<ol>", "<li>", "<pre>", "<blockquote>"):
        assert tag in cleaned


def test_http_links_survive_and_open_safely():
    cleaned = sanitize_overview('<a href="https://example.com/x">docs</a>')
    assert 'href="https://example.com/x"' in cleaned
    assert "noopener" in cleaned


def test_blank_overview_is_empty():
    assert sanitize_overview("  ") == ""


def test_entities_in_code_survive_saving_again_and_again():
    html = "<p>see https://example.com</p><code>x &lt; y</code><pre>a &amp; b</pre>"
    cleaned = sanitize_overview(html)
    assert "<code>x &lt; y</code>" in cleaned
    assert "<pre>a &amp; b</pre>" in cleaned
    assert sanitize_overview(sanitize_overview(cleaned)) == cleaned


def test_bare_urls_become_safe_links_but_not_inside_code():
    cleaned = sanitize_overview(
        "<p>docs at https://example.com/a?b=1&amp;c=2</p><code>https://x.test</code>"
    )
    assert 'href="https://example.com/a?b=1&amp;c=2"' in cleaned
    assert 'rel="nofollow noopener noreferrer"' in cleaned
    assert "<code>https://x.test</code>" in cleaned


def test_a_code_block_keeps_its_leading_blank_line():
    cleaned = sanitize_overview("<pre>\n\nindented</pre>")
    assert sanitize_overview(cleaned) == cleaned
    assert "indented" in cleaned


# Rich text as the editor sends it: the allowed elements nested, with entities, bare and
# marked-up links (allowed and refused schemes), code, and a few elements that are refused.
_TEXT_PIECES = [
    "x",
    " ",
    "\n",
    "x &lt; y",
    "a &amp; b",
    "&gt;",
    "&quot;",
    "&#39;",
    "&nbsp;",
    "&amp;lt;",
    "&copy;",
    "&",
    "<",
    "日本語",
    "https://example.com/a?b=1&amp;c=2",
    "www.example.org",
    "(see http://ex.test).",
    "mail@ex.test",
]
_HREFS = [
    "https://example.com/?a=1&amp;b=2",
    "http://ex.test",
    "mailto:a@b.test",
    "javascript:alert(1)",
    "data:text/html,x",
    "/relative",
]
_VOID_TAGS = {"br", "hr", "img"}
_REFUSED_TAGS = ["script", "img", "table", "td", "span", "font", "h5", "textarea"]

_rich_text_leaf = st.lists(st.sampled_from(_TEXT_PIECES), max_size=5).map("".join)


def _element(children):
    return st.tuples(
        st.sampled_from(sorted(ALLOWED_TAGS) + _REFUSED_TAGS),
        st.sampled_from(_HREFS),
        st.lists(children, max_size=4),
    ).map(_render_element)


def _render_element(parts):
    tag, href, children = parts
    if tag in _VOID_TAGS:
        return f"<{tag}>"
    attributes = f' href="{href}"' if tag == "a" else ""
    return f"<{tag}{attributes}>{''.join(children)}</{tag}>"


rich_text = st.lists(st.recursive(_rich_text_leaf, _element, max_leaves=20), max_size=5).map(
    "".join
)


@settings(max_examples=300, deadline=None)
@given(rich_text)
@example("<code>x &lt; y</code>")
@example("<pre><table></table></pre>")
@example("<h1><a><h1><a>")
def test_sanitising_twice_equals_sanitising_once(html):
    once = sanitize_overview(html)
    assert sanitize_overview(once) == once
