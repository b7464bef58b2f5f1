"""RSS and Atom feeds, as a feed reader sees them (parsed with feedparser)."""

from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.utils import timezone

from blog.models import PostVideo
from videos.services import video_get_or_create_from_url

pytestmark = pytest.mark.django_db

FEEDS = ["/feed/", "/feed/atom/"]


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, f"{url}: {feed.get('bozo_exception')}"
    return response, feed


@pytest.fixture
def essay(make_post):
    post = make_post(
        title="On the moving room & <friends>",
        excerpt="Walls move; floors do not.",
        body=(
            "Intro with a [link](/tags/x/).\n\n"
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ\n\n"
            "<script>alert(1)</script> After the video."
        ),
        tags=["Jonathan Glazer", "1990s"],
    )
    video, _ = video_get_or_create_from_url(url="https://vimeo.com/76979871")
    PostVideo.objects.create(post=post, video=video, caption="The making-of.")
    return post


@pytest.mark.parametrize("url", FEEDS)
def test_site_feed_has_full_sanitized_content_with_videos_as_links(client, essay, url):
    response, feed = parse(client, url)
    assert feed.feed.title == "Closer"
    [entry] = feed.entries
    assert entry.title == "On the moving room & <friends>"
    assert entry.link == "http://127.0.0.1:8000" + essay.get_absolute_url()
    assert entry.summary == "Walls move; floors do not."
    content = entry.content[0].value
    assert "Intro with a" in content and "After the video." in content
    assert "<script" not in content  # the sanitizer keeps the harmless text, drops the tag
    assert "<iframe" not in content and "video-facade" not in content
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in content
    assert 'href="https://vimeo.com/76979871"' in content and "The making-of." in content
    # relative links made absolute for feed readers
    assert 'href="http://127.0.0.1:8000/tags/x/"' in content
    assert {t.term for t in entry.tags} == {"Jonathan Glazer", "1990s"}
    assert entry.author == "Wren Writer"


@pytest.mark.parametrize("url", FEEDS)
def test_dates_are_the_publication_and_update_times(client, make_post, url):
    published = timezone.now().replace(microsecond=0) - timedelta(days=3)
    make_post(published_at=published)
    _, feed = parse(client, url)
    entry = feed.entries[0]
    assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == published
    if url.endswith("atom/"):
        assert entry.updated_parsed >= entry.published_parsed


@pytest.mark.parametrize("url", FEEDS)
def test_ids_never_change_when_a_post_is_edited(client, essay, url):
    _, before = parse(client, url)
    essay.title, essay.slug = "A new title", "a-new-slug"
    essay.save()
    _, after = parse(client, url)
    assert before.entries[0].id == after.entries[0].id
    assert before.entries[0].id == (f"tag:127.0.0.1,{essay.created_at:%Y-%m-%d}:post:{essay.pk}")
    assert after.entries[0].link.endswith("/posts/a-new-slug/")


@pytest.mark.parametrize("url", FEEDS)
def test_newest_first_and_no_unpublished_posts(client, make_post, draft, scheduled, url):
    make_post(title="Older", published_at=timezone.now() - timedelta(days=5))
    make_post(title="Newer", published_at=timezone.now() - timedelta(days=1))
    response, feed = parse(client, url)
    assert [e.title for e in feed.entries] == ["Newer", "Older"]
    assert b"Secret" not in response.content


@pytest.mark.parametrize("suffix", ["feed/", "feed/atom/"])
def test_tag_and_filter_feeds(client, make_post, draft, suffix):
    from blog.models import Tag

    make_post(title="Both", tags=["glazer", "1990s"])
    make_post(title="Glazer only", tags=["glazer"])
    make_post(title="Both and effects", tags=["glazer", "1990s", "effects"])
    draft.tags.set(["glazer", "1990s"])
    Tag.objects.filter(slug="glazer").update(description="The director of the moving room.")

    _, single = parse(client, f"/tags/glazer/{suffix}")
    assert single.feed.title == "Closer: glazer"
    assert single.feed.subtitle == "The director of the moving room."
    assert single.feed.link == "http://127.0.0.1:8000/tags/glazer/"
    assert len(single.entries) == 3

    _, narrowed = parse(client, f"/tags/glazer+1990s/without/effects/{suffix}")
    assert [e.title for e in narrowed.entries] == ["Both"]
    assert narrowed.feed.title == "Closer: glazer + 1990s without effects"

    assert client.get(f"/tags/nope/{suffix}").status_code == 404


def test_feeds_are_served_as_feeds(client, db):
    assert client.get("/feed/")["Content-Type"].startswith("application/rss+xml")
    assert client.get("/feed/atom/")["Content-Type"].startswith("application/atom+xml")


def test_empty_site_feed_parses(client, db):
    for url in FEEDS:
        _, feed = parse(client, url)
        assert feed.entries == []


def test_query_count_does_not_grow_with_posts(client, make_post, django_assert_max_num_queries):
    for n in range(8):
        post = make_post(tags=["a", f"t{n}"], body="https://youtu.be/dQw4w9WgXcQ")
        video, _ = video_get_or_create_from_url(url=f"https://vimeo.com/{n + 1}")
        PostVideo.objects.create(post=post, video=video)
    # posts with authors, tags, inline videos, attached videos, and the videos' chapters
    # +1: the content version read by blog.page_cache for every anonymous reader page
    with django_assert_max_num_queries(7):
        client.get("/feed/")


@pytest.mark.parametrize("url", FEEDS)
def test_ids_survive_a_move_to_a_new_domain_when_pinned(client, essay, settings, url):
    _, before = parse(client, url)
    settings.SITE_URL = "https://new-home.example"
    settings.FEED_ID_DOMAIN = "127.0.0.1"  # the host the ids were minted under
    _, after = parse(client, url)
    assert after.entries[0].id == before.entries[0].id
    assert after.entries[0].link.startswith("https://new-home.example/")


def test_feed_lists_a_videos_chapters_as_deep_links(client, make_post):
    from videos.models import VideoChapter

    post = make_post(body="https://youtu.be/dQw4w9WgXcQ")
    VideoChapter.objects.create(
        video=post.inline_videos.get(), start_seconds=83, title="The floor moves"
    )
    _, feed = parse(client, "/feed/")
    content = feed.entries[0].content[0].value
    assert "The floor moves" in content
    assert "https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=83s" in content


def test_a_tag_description_is_plain_text_in_both_feeds(client, make_post):
    from xml.etree import ElementTree

    from blog.models import Tag

    hostile = '<img src=x onerror=alert(1)> Tom & "Jerry"'
    tag = Tag.objects.create(name="Hostile", description=hostile)
    make_post(tags=[tag])
    rss = ElementTree.fromstring(client.get(f"/tags/{tag.slug}/feed/").content)
    # RSS readers render the channel description as HTML: it carries the text escaped once.
    assert rss.findtext("channel/description") == (
        "&lt;img src=x onerror=alert(1)&gt; Tom &amp; &quot;Jerry&quot;"
    )
    atom = feedparser.parse(client.get(f"/tags/{tag.slug}/feed/atom/").content)
    assert atom.feed.subtitle == hostile  # Atom's subtitle is plain text already
