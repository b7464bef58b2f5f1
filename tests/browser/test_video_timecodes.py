"""Timecode links and chapters in chromium: load the player at that time, or seek the one playing."""

import json

import pytest

from videos.models import VideoChapter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Stands in for the provider's player page: records every message our page posts to it.
FAKE_PLAYER = (
    "<!doctype html><title>player</title><script>"
    "window.got = []; addEventListener('message', function (e) { got.push(e.data); });"
    "</script>"
)


def fake_player(page, pattern):
    page.route(
        pattern, lambda route: route.fulfill(status=200, content_type="text/html", body=FAKE_PLAYER)
    )


def player_frame(page, host):
    """Return the fake player's frame once it listens for messages."""
    page.wait_for_function(
        f"[...document.querySelectorAll('iframe')].some(f => f.src.includes('{host}'))"
    )
    frame = next(f for f in page.frames if host in f.url)
    frame.wait_for_function("Array.isArray(window.got)")
    return frame


def messages(frame, count):
    frame.wait_for_function(f"window.got.length >= {count}")
    return [json.loads(m) for m in frame.evaluate("window.got")]


def test_a_timecode_loads_the_player_at_that_time_then_seeks_it(page, live_server, make_post):
    post = make_post(
        body="https://youtu.be/dQw4w9WgXcQ\n\nAt [1:23] the room turns; by [2:05] it is back.",
    )
    page.goto(live_server.url + post.get_absolute_url())
    assert page.requests.third_party == []
    first = page.locator(".post-body a.timecode", has_text="1:23")
    assert first.get_attribute("href") == "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=83s"

    fake_player(page, "https://www.youtube-nocookie.com/**")
    first.click()
    frame = page.locator("iframe.video-player")
    frame.wait_for()
    assert frame.get_attribute("src") == (
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&start=83&enablejsapi=1"
    )
    assert page.url.endswith(post.get_absolute_url())  # we stayed on the essay

    # The player is there now: a second timecode seeks it instead of reloading it.
    player = player_frame(page, "youtube-nocookie.com")
    page.locator(".post-body a.timecode", has_text="2:05").click()
    got = messages(player, 2)
    assert frame.get_attribute("src").endswith("start=83&enablejsapi=1")
    assert {"event": "command", "func": "seekTo", "args": [125, True]} in got
    assert {"event": "command", "func": "playVideo", "args": []} in got
    assert page.locator("iframe").count() == 1


def test_vimeo_chapters_seek_with_the_player_api(page, live_server, make_post):
    post = make_post(body="https://vimeo.com/76979871")
    video = post.inline_videos.get()
    VideoChapter.objects.create(video=video, start_seconds=30, title="Setting up")
    VideoChapter.objects.create(video=video, start_seconds=95, title="The room moves")
    page.goto(live_server.url + video.get_absolute_url())
    fake_player(page, "https://player.vimeo.com/**")
    page.get_by_role("link", name="0:30").click()
    frame = page.locator("iframe.video-player")
    frame.wait_for()
    assert (
        frame.get_attribute("src")
        == "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1#t=30s"
    )
    player = player_frame(page, "player.vimeo.com")
    page.get_by_role("link", name="1:35").click()
    got = messages(player, 2)
    assert {"method": "setCurrentTime", "value": 95} in got and {"method": "play"} in got


def test_a_provider_without_a_seek_api_is_reloaded_at_the_time(page, live_server, make_post):
    post = make_post(body="https://dai.ly/x7tgad0\n\nSee [0:10] and [0:40].")
    page.goto(live_server.url + post.get_absolute_url())
    page.locator(".post-body a.timecode", has_text="0:10").click()
    frame = page.locator("iframe.video-player")
    frame.wait_for()
    assert "startTime=10" in frame.get_attribute("src")
    page.locator(".post-body a.timecode", has_text="0:40").click()
    page.wait_for_function(
        "document.querySelector('iframe.video-player').src.includes('startTime=40')"
    )
    assert page.locator("iframe").count() == 1


def test_without_javascript_a_timecode_is_a_deep_link(browser, live_server, make_post):
    post = make_post(body="https://vimeo.com/76979871\n\nAt [1:23].")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + post.get_absolute_url())
    assert (
        page.locator(".post-body a.timecode", has_text="1:23").get_attribute("href")
        == "https://vimeo.com/76979871#t=83s"
    )
    context.close()


def test_timecodes_in_a_post_with_only_an_attached_video_play_that_video(
    page, live_server, make_post
):
    from blog.models import PostVideo
    from videos.services import video_get_or_create_from_url

    post = make_post(body="The walls start to move at [0:42].")
    video, _ = video_get_or_create_from_url(url="https://vimeo.com/76979871")
    PostVideo.objects.create(post=post, video=video, caption="The making-of clip")
    page.goto(live_server.url + post.get_absolute_url())
    link = page.locator(".post-body a.timecode", has_text="0:42")
    assert link.get_attribute("href") == "https://vimeo.com/76979871#t=42s"

    fake_player(page, "https://player.vimeo.com/**")
    link.click()
    frame = page.locator(".attached-videos iframe.video-player")
    frame.wait_for()
    assert "player.vimeo.com/video/76979871?" in frame.get_attribute("src")
    assert frame.get_attribute("src").endswith("#t=42s")
