"""Clip ranges: "[1:23-1:45]" in the body and video URLs with a start and an end."""

import pytest

from videos.embed import expand_placeholders

pytestmark = pytest.mark.django_db


def body_of(client, post):
    return client.get(post.get_absolute_url()).content.decode()


def test_a_range_in_the_body_links_the_clip_and_loads_the_stop_script(client, make_post):
    post = make_post(body="https://youtu.be/dQw4w9WgXcQ\n\nThe reveal [1:23-1:45], then [2:05].")
    html = body_of(client, post)
    assert (
        '<a id="moment-1" class="timecode clip" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=83s" '
        'data-video-key="youtube:dQw4w9WgXcQ" data-start="83" data-end="105" '
        'data-player-url="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&amp;'
        'start=83&amp;end=105&amp;enablejsapi=1"><span class="visually-hidden">Clip </span>'
        "1:23\u20131:45</a>"
    ) in html
    # The plain timecode after it plays on.
    assert "start=125&amp;enablejsapi=1" in html
    assert html.count('src="/static/closer/clips.js"') == 1


def test_en_dash_and_spaces_are_ranges_too(client, make_post):
    post = make_post(body="https://vimeo.com/76979871\n\nSee [1:23 \u2013 1:45].")
    html = body_of(client, post)
    assert 'data-start="83" data-end="105"' in html
    assert 'href="https://vimeo.com/76979871#t=83s"' in html


@pytest.mark.parametrize("text", ["[1:45-1:23]", "[1:23-1:23]", "[1:23-]", "[1:23-1:99]"])
def test_backwards_or_broken_ranges_stay_text(client, make_post, text):
    post = make_post(body=f"https://youtu.be/dQw4w9WgXcQ\n\nSee {text}.")
    html = body_of(client, post)
    assert "data-end" not in html
    assert "clips.js" not in html


def test_a_range_past_the_known_duration_stays_text(client, make_post):
    post = make_post(body="https://youtu.be/dQw4w9WgXcQ\n\nSee [0:10-5:00] and [0:10-0:20].")
    video = post.inline_videos.get()
    video.duration_seconds = 120
    video.save()
    html = body_of(client, post)
    assert "[0:10-5:00]" in html
    assert 'data-end="20"' in html


def test_a_clip_url_alone_on_a_line_embeds_the_clip(client, make_post):
    post = make_post(body="https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=83&end=105\n\nAt [2:05].")
    html = body_of(client, post)
    assert (
        '<figure class="video" data-video-key="youtube:dQw4w9WgXcQ" data-start="83" data-end="105">'
        in html
    )
    assert (
        'data-player-url="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&amp;start=83&amp;end=105&amp;enablejsapi=1"'
        in html
    )
    assert "Clip 1:23\u20131:45" in html
    # Timecodes below a clip are moments of the whole video, not bounded by the clip.
    assert "start=125&amp;enablejsapi=1" in html and 'end=105&amp;enablejsapi=1">2:05' not in html
    assert "clips.js" in html


def test_feeds_get_plain_deep_links_and_no_script(make_post):
    post = make_post(body="https://vimeo.com/76979871#t=1m23s,1m45s\n\nSee [0:10-0:20].")
    html = expand_placeholders(post.body_html, post.inline_videos.all(), mode="feed")
    assert '<a href="https://vimeo.com/76979871#t=10s">0:10\u20130:20</a>' in html
    assert "<script" not in html
