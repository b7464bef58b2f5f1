"""Clips in chromium: the player starts at the clip and is stopped at its end via its API."""

import json

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Stands in for the provider's player page: records every message our page posts to it, and
# says "ready" the way Vimeo's player does once it is listening.
FAKE_PLAYER = (
    "<!doctype html><title>player</title><script>"
    "window.got = []; addEventListener('message', function (e) { got.push(e.data); });"
    "parent.postMessage(JSON.stringify({event: 'ready'}), '*');"
    "</script>"
)


def fake_player(page, pattern):
    page.route(
        pattern, lambda route: route.fulfill(status=200, content_type="text/html", body=FAKE_PLAYER)
    )


def player_frame(page, host):
    page.wait_for_function(
        f"[...document.querySelectorAll('iframe')].some(f => f.src.includes('{host}'))"
    )
    frame = next(f for f in page.frames if host in f.url)
    frame.wait_for_function("Array.isArray(window.got)")
    return frame


def got(frame):
    return [json.loads(m) for m in frame.evaluate("window.got")]


def wait_for_message(frame, message):
    text = json.dumps(message, separators=(",", ":"))
    frame.wait_for_function(f"window.got.some(m => JSON.stringify(JSON.parse(m)) === {text!r})")


def play_to(frame, message):
    """Have the fake player report a time to our page, as the real one does while playing."""
    frame.evaluate(f"parent.postMessage(JSON.stringify({json.dumps(message)}), '*')")


def test_a_vimeo_clip_url_plays_its_range_and_pauses_at_the_end(page, live_server, make_post):
    post = make_post(body="https://vimeo.com/76979871#t=1m23s,1m45s")
    page.goto(live_server.url + post.get_absolute_url())
    assert page.requests.third_party == []
    assert page.get_by_text("Clip 1:23\u20131:45").is_visible()
    fake_player(page, "https://player.vimeo.com/**")
    page.locator("a.video-facade").click()
    frame = page.locator("iframe.video-player")
    frame.wait_for()
    assert frame.get_attribute("src").endswith("#t=83s")
    player = player_frame(page, "player.vimeo.com")
    wait_for_message(player, {"method": "addEventListener", "value": "timeupdate"})
    play_to(player, {"event": "timeupdate", "data": {"seconds": 100.5}})
    page.wait_for_timeout(200)
    assert {"method": "pause"} not in got(player)
    play_to(player, {"event": "timeupdate", "data": {"seconds": 105.1}})
    wait_for_message(player, {"method": "pause"})


def test_a_youtube_range_in_the_body_stops_by_url_then_by_the_api(page, live_server, make_post):
    post = make_post(
        body="https://youtu.be/dQw4w9WgXcQ\n\nThe reveal [1:23-1:45]; later [2:00-2:10]."
    )
    page.goto(live_server.url + post.get_absolute_url())
    fake_player(page, "https://www.youtube-nocookie.com/**")
    page.get_by_role("link", name="Clip 1:23\u20131:45").click()
    frame = page.locator("iframe.video-player")
    frame.wait_for()
    # YouTube stops at `end` by itself on first load.
    assert frame.get_attribute("src") == (
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&start=83&end=105&enablejsapi=1"
    )
    player = player_frame(page, "youtube-nocookie.com")
    # The second clip seeks the loaded player, which is told to report time and paused at 2:10.
    page.get_by_role("link", name="Clip 2:00\u20132:10").click()
    wait_for_message(player, {"event": "command", "func": "seekTo", "args": [120, True]})
    wait_for_message(player, {"event": "listening", "id": 1, "channel": "widget"})
    play_to(player, {"event": "infoDelivery", "info": {"currentTime": 125}})
    page.wait_for_timeout(200)
    assert {"event": "command", "func": "pauseVideo", "args": []} not in got(player)
    play_to(player, {"event": "infoDelivery", "info": {"currentTime": 130.2}})
    wait_for_message(player, {"event": "command", "func": "pauseVideo", "args": []})
    assert page.locator("iframe").count() == 1


def test_a_message_from_another_window_cannot_pause_the_player(page, live_server, make_post):
    post = make_post(body="https://vimeo.com/76979871#t=83,105")
    page.goto(live_server.url + post.get_absolute_url())
    fake_player(page, "https://player.vimeo.com/**")
    page.locator("a.video-facade").click()
    player = player_frame(page, "player.vimeo.com")
    wait_for_message(player, {"method": "addEventListener", "value": "timeupdate"})
    page.evaluate("postMessage(JSON.stringify({event: 'timeupdate', data: {seconds: 200}}), '*')")
    page.wait_for_timeout(200)
    assert {"method": "pause"} not in got(player)


def test_without_javascript_a_clip_is_a_deep_link_to_its_start(browser, live_server, make_post):
    post = make_post(body="https://youtu.be/dQw4w9WgXcQ\n\nThe reveal [1:23-1:45].")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + post.get_absolute_url())
    assert (
        page.get_by_role("link", name="Clip 1:23\u20131:45").get_attribute("href")
        == "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=83s"
    )
    context.close()
