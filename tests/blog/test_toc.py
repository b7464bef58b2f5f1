"""An essay's table of contents: heading anchors made at render time, the list on the page."""

import re

import pytest

from blog.rendering import PAGE_IDS, headings_in, render_body

pytestmark = pytest.mark.django_db

THREE_SECTIONS = "## The room\n\nText.\n\n## The turn\n\nMore.\n\n### A detail\n\nAnd.\n"


def toc_links(html: str) -> list[tuple[str, str]]:
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.DOTALL)
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', toc.group(0)) if toc else []


class TestHeadingAnchors:
    def test_every_heading_gets_a_unique_id(self):
        html = render_body("## Same\n\n## Same\n\n<h2>Same</h2>\n\n<h3 id='same'>Other</h3>")
        ids = re.findall(r'<h[23] id="([^"]+)"', html)
        assert len(ids) == 4 and len(set(ids)) == 4

    @pytest.mark.parametrize(
        "title", ["Content", "Comments", "Moment 3", "Comment 12", "TOC", "Year 2026"]
    )
    def test_a_heading_never_takes_an_id_the_page_uses(self, title):
        html = render_body(f"## {title}\n\ntext")
        (anchor,) = re.findall(r'<h2 id="([^"]+)"', html)
        assert anchor.lower() not in PAGE_IDS
        assert not re.match(r"^(moment|comment|year)-\d+$", anchor)

    def test_an_author_id_is_not_allowed_to_shadow_a_moment_or_a_comment(self):
        html = render_body('<h2 id="moment-1">One</h2>\n\n<a id="comment-4">x</a>', "html")
        assert 'id="moment-1"' not in html and 'id="comment-4"' not in html

    def test_imported_html_headings_get_anchors_too(self):
        html = render_body("<h2>Über Glazer</h2><p>x</p><h3>東京</h3>", "html")
        assert '<h2 id="uber-glazer">' in html
        assert re.search(r'<h3 id="section(-\d+)?">東京</h3>', html)

    def test_heading_text_is_plain_and_escaped_in_the_list(self):
        html = render_body("## Tom &amp; <em>Jerry</em>\n\n## <b>Two</b>\n\n## Three")
        assert [h.text for h in headings_in(html)] == ["Tom & Jerry", "Two", "Three"]


class TestTocOnThePage:
    def test_three_headings_make_a_table_of_contents(self, client, make_post):
        post = make_post(body=THREE_SECTIONS)
        html = client.get(post.get_absolute_url()).content.decode()
        assert toc_links(html) == [
            ("the-room", "The room"),
            ("the-turn", "The turn"),
            ("a-detail", "A detail"),
        ]
        assert "3 sections" in html
        for anchor, _ in toc_links(html):
            assert html.count(f'id="{anchor}"') == 1
        # The contents come before the essay's text.
        assert html.index('class="toc"') < html.index('class="post-body"')

    @pytest.mark.parametrize(
        "body", ["No headings at all.", "## One\n\ntext", "## One\n\n## Two\n\ntext"]
    )
    def test_fewer_than_three_headings_make_none(self, client, make_post, body):
        post = make_post(body=body)
        html = client.get(post.get_absolute_url()).content.decode()
        assert 'class="toc"' not in html
        assert "In this essay" not in html

    def test_hostile_heading_text_stays_text(self, client, make_post):
        post = make_post(body="## <img src=x onerror=alert(1)>Bad\n\n## &lt;script&gt;\n\n## Three")
        html = client.get(post.get_absolute_url()).content.decode()
        toc = re.search(r'<nav class="toc".*?</nav>', html, re.DOTALL).group(0)
        assert "<img" not in toc and "<script" not in toc
        assert "&lt;script&gt;" in toc
