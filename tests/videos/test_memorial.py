"""When a video disappears: its facade becomes a memorial card, and comes back with the video.

check_videos asks a real local server standing in for the provider; the card is built only
from what the Video row kept (poster, title, credits) and links out to the original address
and the Wayback Machine; nothing on it loads from another site.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fake_provider import image_bytes, json_answer, status_answer
from page_checks import third_party_loads

from videos.embed import render_video
from videos.models import Health, Video
from videos.posters import poster_clean
from videos.services import video_get_or_create_from_url, video_set_poster

pytestmark = pytest.mark.django_db

URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
WAYBACK = "https://web.archive.org/web/*/https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.fixture
def essay(make_post):
    post = make_post(body=f"{URL}\n\nThe set is revealed at [1:23-1:45], then [2:10].")
    video = post.inline_videos.get()
    video_set_poster(video=video, picture=poster_clean(image_bytes()))
    video.title, video.artist, video.director, video.year = "Never", "Rick", "Simon", 1987
    video.author_name = "RickAstleyVEVO"
    video.save()
    return post


def check_videos():
    out, err = StringIO(), StringIO()
    call_command("check_videos", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def page(client, post):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def memorial(html):
    match = re.search(r'<div class="video-memorial">(.*?)</div>', html, re.S)
    return match and match.group(1)


@pytest.mark.parametrize(
    ("status", "health", "note"),
    [
        (404, Health.REMOVED, "This video is no longer available on YouTube."),
        (401, Health.PRIVATE, "This video is now private on YouTube."),
        (403, Health.NOT_EMBEDDABLE, "YouTube no longer lets this video play on other sites."),
    ],
)
def test_check_videos_turns_the_facade_into_a_memorial_card(
    client, provider, essay, status, health, note
):
    provider.oembed("youtube", status_answer(status))
    out, _ = check_videos()
    assert "1 flagged" in out
    video = Video.objects.get()
    assert video.health == health and video.unavailable_since is not None
    html, _ = page(client, essay)
    card = memorial(html)
    assert card is not None
    assert "<strong>Never</strong>" in card
    assert "Rick · directed by Simon · 1987 · RickAstleyVEVO" in card
    assert note in card and "The essay still quotes it below." in card
    assert f'<a href="{URL}" rel="nofollow">Original address</a>' in card
    assert f'<a href="{WAYBACK}" rel="nofollow">Look for it in the Wayback Machine</a>' in card
    # The poster we stored when the essay was written; no player, nothing from elsewhere.
    assert '<figure class="video video-remembered"' in html
    assert 'class="video-poster"' in html and "video-poster-empty" not in html
    assert "video-facade" not in html and "data-player-url" not in html
    # Its moments stay quoted, as text the shot list still links to; no clip script.
    assert '<span id="moment-1" class="timecode timecode-gone">1:23–1:45</span>' in html
    assert '<span id="moment-2" class="timecode timecode-gone">2:10</span>' in html
    assert 'href="#moment-1"' in html and "clips.js" not in html
    assert "<iframe" not in html
    assert third_party_loads(html) == []
    # The essay's shot list (rendered by the blog) still lists what it quotes.
    assert 'class="shot-list"' in html and "1:23" in html


def test_the_cached_page_changes_when_the_video_goes_and_when_it_comes_back(
    client, provider, essay
):
    page(client, essay)
    html, cost = page(client, essay)
    assert cost == 1 and "video-facade" in html  # served whole from the page cache
    provider.oembed("youtube", status_answer(404))
    check_videos()
    html, _ = page(client, essay)
    assert memorial(html) and "video-facade" not in html
    # The video is back: the next check restores the player, and the page shows it at once.
    provider.oembed("youtube", json_answer({"title": "Never"}))
    out, _ = check_videos()
    assert "1 playable" in out
    video = Video.objects.get()
    assert video.health == Health.OK and video.unavailable_since is None
    html, _ = page(client, essay)
    assert memorial(html) is None and 'class="video-facade"' in html


def test_a_second_check_keeps_the_day_it_was_first_found_gone(provider, essay):
    provider.oembed("youtube", status_answer(404))
    check_videos()
    first = Video.objects.get().unavailable_since
    check_videos()
    assert Video.objects.get().unavailable_since == first


def test_a_provider_that_cannot_be_asked_changes_nothing(client, provider, essay):
    provider.oembed("youtube", status_answer(503))
    _, err = check_videos()
    assert "HTTP 503" in err
    video = Video.objects.get()
    assert video.health == Health.UNCHECKED and video.unavailable_since is None
    html, _ = page(client, essay)
    assert memorial(html) is None


def test_the_card_without_a_poster_or_credits_is_still_calm():
    video, ref = video_get_or_create_from_url(url="https://vimeo.com/76979871")
    video.health = Health.REMOVED
    html = render_video(ref, video)
    assert "video-poster-empty" in html
    assert "<strong>Vimeo video</strong>" in html and "video-memorial-credits" not in html
    assert "This video is no longer available on Vimeo." in html
    assert "https://web.archive.org/web/*/https://vimeo.com/76979871" in html


def test_the_card_escapes_what_it_kept():
    video, ref = video_get_or_create_from_url(url=URL)
    video.health = Health.REMOVED
    video.title, video.artist = '<script>alert("t")</script>', "<b>A</b>"
    html = render_video(ref, video)
    assert "<script>" not in html and "<b>A</b>" not in html
    assert "&lt;script&gt;" in html


def test_the_admin_lists_the_memorial_cards(admin_client, provider, essay):
    fine, _ = video_get_or_create_from_url(url="https://vimeo.com/76979871")
    provider.oembed("youtube", status_answer(404))
    provider.oembed("vimeo", json_answer({"title": "Fine"}))
    check_videos()
    listing = admin_client.get("/admin/videos/video/").content.decode()
    assert "1 video is gone from its provider: its essays show a memorial card." in listing
    assert "?attention=flagged" in listing
    gone = admin_client.get("/admin/videos/video/?attention=flagged").content.decode()
    assert "Never" in gone and "Fine" not in gone
    assert "Gone: shown as a memorial card" in gone
    change = admin_client.get(f"/admin/videos/video/{Video.objects.get(title='Never').pk}/change/")
    assert "Its essays show a memorial card" in change.content.decode()
