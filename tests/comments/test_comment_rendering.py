"""The comment subset of Markdown (blog.rendering.render_comment): small, safe, nofollow."""

import re

import pytest

from blog.rendering import render_comment


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("*em* and **strong**", "<p><em>em</em> and <strong>strong</strong></p>"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ("`a < b`", "<p><code>a &lt; b</code></p>"),
        ("```\nx = 1\n```", "<pre><code>x = 1\n</code></pre>"),
        (
            "[site](https://example.com)",
            '<p><a href="https://example.com" rel="nofollow ugc">site</a></p>',
        ),
        (
            "see https://example.com/a",
            '<p>see <a href="https://example.com/a" rel="nofollow ugc">https://example.com/a</a></p>',
        ),
    ],
)
def test_the_subset(text, expected):
    assert render_comment(text).strip() == expected


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html,<script>alert(1)</script>)",
        '<a href="https://e.com" onclick="alert(1)">x</a>',
        "<iframe src=https://evil.example></iframe>",
        "# heading\n\n![img](https://evil.example/track.png)",
        "| a | b |\n|---|---|\n| 1 | 2 |",
    ],
)
def test_nothing_outside_the_subset_survives(text):
    html = render_comment(text)
    for name, attributes in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>", html):
        assert name in {"p", "br", "em", "strong", "a", "blockquote", "code", "pre"}
        for attribute, value in re.findall(r'\s([a-z-]+)="([^"]*)"', attributes):
            assert attribute in {"href", "rel"}
            assert not value.lower().startswith(("javascript:", "data:"))


def test_a_link_never_loses_nofollow_ugc_or_opens_a_window():
    html = render_comment('[a](https://e.com "t") <https://f.org>')
    assert html.count('rel="nofollow ugc"') == 2 and "target" not in html


@pytest.mark.parametrize(
    "text", ["a\x00b", "\u202eevil\u202c", "🙂" * 1000, "x" * 100_000, ">" * 5000, "*" * 5000]
)
def test_odd_input_renders(text):
    assert isinstance(render_comment(text), str)
    assert "\x00" not in render_comment(text)
