"""Excerpts are plain text on every surface (issue 11, items 2 and 3)."""

import html
import json
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest

pytestmark = pytest.mark.django_db

HOSTILE = "<img src=x onerror=alert(1)> & <b>bold</b>"
ATOM = "{http://www.w3.org/2005/Atom}"


def feed_summaries(client) -> dict:
    rss = ET.fromstring(client.get("/feed/").content)
    atom = ET.fromstring(client.get("/feed/atom/").content)
    return {
        "rss": rss.find("channel/item/description").text,
        "atom": atom.find(f"{ATOM}entry/{ATOM}summary").text,
    }


class TestFeeds:
    def test_a_hostile_excerpt_arrives_as_text(self, client, make_post):
        make_post(excerpt=HOSTILE)
        for kind, summary_html in feed_summaries(client).items():
            # The element holds HTML (type="html"): it must be our text, escaped once.
            assert "<img" not in summary_html and "<b>" not in summary_html, kind
            assert html.unescape(summary_html) == HOSTILE, kind

    @pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
    def test_feed_readers_show_the_excerpt_as_typed(self, client, make_post, url):
        make_post(excerpt=HOSTILE)
        entry = feedparser.parse(client.get(url).content).entries[0]
        assert "<img" not in entry.summary
        assert html.unescape(entry.summary) == HOSTILE

    def test_an_automatic_excerpt_is_escaped_once(self, client, make_post):
        make_post(excerpt="", body='Tom & Jerry say <3 about "Closer".')
        for kind, summary_html in feed_summaries(client).items():
            assert html.unescape(summary_html) == 'Tom & Jerry say <3 about "Closer".', kind


AUTOMATIC = 'Tom & Jerry say <3 about "Closer".'


@pytest.fixture
def entity_post(make_post):
    return make_post(title="Entities", excerpt="", body=AUTOMATIC)


def meta_content(page: str, prop: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{prop}" content="([^"]*)"', page)
    return html.unescape(found.group(1))


def test_the_automatic_excerpt_decodes_entities(entity_post):
    assert entity_post.summary == AUTOMATIC


def test_cards_show_the_automatic_excerpt_as_written(client, entity_post):
    page = client.get("/").content.decode()
    assert "Tom &amp; Jerry say &lt;3 about &quot;Closer&quot;." in page
    assert "&amp;amp;" not in page and "&amp;lt;" not in page and "&amp;quot;" not in page


def test_meta_descriptions_and_json_ld_read_as_written(client, entity_post):
    page = client.get(entity_post.get_absolute_url()).content.decode()
    assert "&amp;amp;" not in page and "&amp;quot;" not in page
    for prop in ("description", "og:description", "twitter:description"):
        assert meta_content(page, prop) == AUTOMATIC, prop
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert "<" not in script  # still script-safe
    assert json.loads(script)["description"] == AUTOMATIC
