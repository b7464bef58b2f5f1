import re

import pytest

from blog.rendering import is_safe_url, render, render_body


def _dangerous(html: str) -> list[str]:
    """Return what in rendered HTML could run script or load a third party."""
    problems = []
    for pattern in [
        r"<script",
        r"<iframe",
        r"<object",
        r"<embed",
        r"<svg",
        r"<math",
        r"<style",
        r"<form",
        r"<input",
        r"<base",
        r"<meta",
        r"<link",
        r"\son\w+\s*=",
        r"\sstyle\s*=",
        r"\ssrcdoc\s*=",
    ]:
        if re.search(pattern, html, re.IGNORECASE):
            problems.append(pattern)
    for url in re.findall(r'(?:href|src|cite)="([^"]*)"', html):
        if not is_safe_url(url):
            problems.append(url)
    return problems


HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="javascript:123">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="java\u200bscript:alert(1)">click</a>',
    '<a href="java\tscript:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<a href="&#x6A;avascript&#x3A;alert(1)">click</a>',
    '<a href=" javascript:alert(1)">click</a>',
    '<a href="vbscript:msgbox(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    "<svg><script>alert(1)</script></svg>",
    '<svg onload="alert(1)"></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<style>body{display:none}</style>",
    '<div onclick="alert(1)">click</div>',
    '<form action="https://evil.example"><input name=x></form>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    '<a href="/ok" onmouseover="alert(1)">hover</a>',
    "<!--<script>alert(1)</script>-->",
    '<closer-video data-key="youtube:dQw4w9WgXcQ" data-url="https://evil.example"></closer-video>',
    '<a href="\\\\evil.example">unc</a>',
    '<details open ontoggle="alert(1)"><summary>x</summary></details>',
    '<p class="video-facade" id="content">spoof</p>',
]


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("body_format", ["markdown", "html"])
def test_hostile_html_is_neutralised(hostile, body_format):
    html = render_body(f"Before.\n\n{hostile}\n\nAfter.", body_format)
    assert _dangerous(html) == []
    assert "Before." in html and "After." in html  # the rest of the body is kept
    assert "<closer-video" not in html  # only our own code writes placeholders


def test_author_cannot_restyle_the_page_with_classes_or_ids():
    html = render_body('<p class="video-facade" id="content">spoof</p>')
    assert "video-facade" not in html and 'id="content"' not in html
    assert "spoof" in html


@pytest.mark.parametrize(
    "url,safe",
    [
        ("https://example.com", True),
        ("http://example.com/a?b#c", True),
        ("mailto:a@example.com", True),
        ("/posts/x/", True),
        ("#fn1", True),
        ("relative/page", True),
        ("javascript:alert(1)", False),
        ("javascript:123", False),
        (" javascript:alert(1)", False),
        ("java\nscript:alert(1)", False),
        ("java\u200bscript:alert(1)", False),
        ("&#106;avascript:alert(1)", False),
        ("data:text/html,x", False),
        ("vbscript:x", False),
        ("file:///etc/passwd", False),
        ("\\\\evil.example\\share", False),
    ],
)
def test_url_scheme_check(url, safe):
    assert is_safe_url(url) is safe


class TestMarkdown:
    def test_common_markdown(self):
        html = render_body(
            "## A heading\n\nSome *em* and **strong** and `code`.\n\n> quoted\n\n- one\n- two"
        )
        assert '<h2 id="a-heading">A heading</h2>' in html
        assert (
            "<em>em</em>" in html
            and "<strong>strong</strong>" in html
            and "<code>code</code>" in html
        )
        assert "<blockquote>" in html and "<li>one</li>" in html

    def test_links_and_images_keep_safe_urls(self):
        html = render_body("[site](https://example.com) ![alt text](/media/a.jpg)")
        assert '<a href="https://example.com">site</a>' in html
        assert '<img src="/media/a.jpg" alt="alt text">' in html

    def test_footnotes_tables_and_fenced_code(self):
        html = render_body(
            "Claim.[^1]\n\n[^1]: Source.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = 1\n```"
        )
        assert 'class="footnote-ref"' in html and 'class="footnotes"' in html
        assert "<table>" in html and "<td>1</td>" in html
        assert '<code class="language-python">x = 1' in html

    def test_raw_html_is_allowed_when_safe(self):
        html = render_body(
            '<figure><img src="/a.jpg" alt="A"><figcaption>Cap</figcaption></figure>'
        )
        assert "<figure>" in html and "<figcaption>Cap</figcaption>" in html


class TestVideoParagraphs:
    def test_url_alone_on_a_line_becomes_a_placeholder(self):
        rendered = render("Intro.\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90\n\nOutro.")
        assert rendered.video_urls == ["https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90"]
        assert '<closer-video data-key="youtube:dQw4w9WgXcQ"' in rendered.html
        assert "<p>Intro.</p>" in rendered.html and "<p>Outro.</p>" in rendered.html

    def test_autolinked_url_alone_also_embeds(self):
        assert render("<https://vimeo.com/76979871>").video_urls == ["https://vimeo.com/76979871"]

    @pytest.mark.parametrize(
        "body",
        [
            "Watch https://youtu.be/dQw4w9WgXcQ now.",  # inside a sentence: stays text
            "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",  # lookalike host
            "https://example.com/page",  # not a video
            "- https://youtu.be/dQw4w9WgXcQ",  # inside a list
            "[https://youtu.be/dQw4w9WgXcQ](https://youtu.be/dQw4w9WgXcQ)",  # a link stays a link
        ],
    )
    def test_other_urls_are_not_embedded(self, body):
        rendered = render(body)
        assert rendered.video_urls == []
        assert "<closer-video" not in rendered.html

    def test_imported_html_paragraph_with_a_url_embeds(self):
        rendered = render("<p>Intro</p>\n<p>https://vimeo.com/76979871</p>", "html")
        assert rendered.video_urls == ["https://vimeo.com/76979871"]

    def test_imported_html_link_to_a_video_stays_a_link(self):
        html = '<p><a href="https://youtu.be/dQw4w9WgXcQ">https://youtu.be/dQw4w9WgXcQ</a></p>'
        assert render(html, "html").video_urls == []

    def test_imported_html_without_paragraphs_gets_them(self):
        html = render_body("First line\nsecond line\n\nNext paragraph", "html")
        assert html == "<p>First line<br>\nsecond line</p>\n<p>Next paragraph</p>"

    def test_the_marker_cannot_be_guessed(self):
        first, second = (
            render("https://youtu.be/dQw4w9WgXcQ"),
            render("https://youtu.be/dQw4w9WgXcQ"),
        )
        assert first.html == second.html  # same output...
        forged = render("<p>closer-video-0000-0</p>")  # ...but a typed marker stays text
        assert "<closer-video" not in forged.html


class TestImageShortcodes:
    def test_shortcode_alone_on_a_line_becomes_a_placeholder(self):
        rendered = render("Before.\n\n[image:42]\n\nAfter.")
        assert '<closer-image data-id="42"></closer-image>' in rendered.html
        assert rendered.image_ids == [42]

    @pytest.mark.parametrize(
        "text",
        [
            "See [image:42] here.",
            "> [image:42]",
            "- [image:42]",
            "```\n[image:42]\n```",
            "    [image:42]",
            "[image:abc]",
            "[image:42][image:43]",
        ],
    )
    def test_shortcode_elsewhere_stays_text(self, text):
        assert "<closer-image" not in render_body(text)

    def test_shortcode_in_imported_html(self):
        html = render_body("<p>Intro</p>\n<p>[image:7]</p>", "html")
        assert '<closer-image data-id="7"></closer-image>' in html

    def test_headings_get_stable_anchor_ids(self):
        html = render_body("## Why it works\n\n### The set: a dolly\n\n## Why it works")
        assert '<h2 id="why-it-works">' in html
        assert '<h3 id="the-set-a-dolly">' in html
        assert '<h2 id="why-it-works-1">' in html


@pytest.mark.parametrize(
    "src,kept",
    [
        ("/media/images/a.jpg", True),
        ("https://tracker.example/pixel.gif", False),
        ("http://tracker.example/pixel.gif", False),
        ("//tracker.example/pixel.gif", False),
        ("relative.jpg", False),
    ],
)
def test_author_images_come_only_from_our_own_site(src, kept):
    html = render_body(f'<img src="{src}" alt="A still">')
    assert (f'src="{src}"' in html) is kept
    assert "tracker.example" not in html


def test_author_ids_cannot_take_the_pages_own_ids():
    html = render_body(
        '## Content\n\n<h3 id="content">x</h3> <h3 id="id_body">y</h3> <h3 id="mine">z</h3>'
    )
    assert '<h2 id="content-section">Content</h2>' in html  # the heading keeps an anchor
    assert 'id="content"' not in html and 'id="id_body"' not in html
    assert '<h3 id="mine">z</h3>' in html
