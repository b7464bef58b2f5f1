"""Comment feeds, site-wide and per essay, RSS and Atom: escaped, published essays only."""

import feedparser
import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def comments(essay, draft, make_post, approved_comment):
    other = make_post(title="Another essay")
    return {
        "shown": approved_comment(name="<b>Bold</b> & co", body="Hi <script>x</script> [1:00]"),
        "held": approved_comment(status="pending", body="Not yet."),
        "elsewhere": approved_comment(post=other, body="On another essay."),
        "draft": approved_comment(post=draft, body="On a draft."),
    }


@pytest.mark.parametrize("url", ["/comments/feed/", "/comments/feed/atom/"])
def test_site_wide(client, comments, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    texts = " ".join(entry.get("summary", "") + entry.title for entry in feed.entries)
    assert "On another essay." in texts and "Earlier" not in texts
    assert "Not yet." not in texts and "On a draft." not in texts
    raw = response.content.decode()
    assert "<script>" not in raw and "<b>Bold</b>" not in raw
    shown = comments["shown"]
    assert any(e.link == f"http://testserver{shown.get_absolute_url()}" for e in feed.entries)


@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_per_essay(client, essay, comments, suffix):
    feed = feedparser.parse(client.get(f"/comments/essay/{essay.pk}/feed/{suffix}").content)
    assert [e.title for e in feed.entries] == ["<b>Bold</b> & co on “The moving room”"]
    assert "The moving room" in feed.feed.title


def test_no_feed_for_a_draft(client, draft, comments):
    assert client.get(f"/comments/essay/{draft.pk}/feed/").status_code == 404


def test_the_essay_page_links_its_feed(client, essay):
    html = client.get(essay.get_absolute_url()).content.decode()
    assert f'href="/comments/essay/{essay.pk}/feed/"' in html
