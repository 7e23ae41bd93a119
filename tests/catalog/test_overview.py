import pytest

from models_app.catalog.overview import sanitize_overview


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
