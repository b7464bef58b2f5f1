"""Dailymotion clips in chromium: the player reports its time, we pause it at the clip's end."""

import json

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Stands in for Dailymotion's player page (loaded with api=postMessage): it records what our
# page posts to it and, like the real one, reports events as query strings.
FAKE_PLAYER = (
    "<!doctype html><title>player</title><script>"
    "window.got = []; addEventListener('message', function (e) { got.push(e.data); });"
    "parent.postMessage('event=apiready&id=player', '*');"
    "</script>"
)


def player_frame(page):
    page.wait_for_function(
        "[...document.querySelectorAll('iframe')].some(f => f.src.includes('dailymotion.com'))"
    )
    frame = next(f for f in page.frames if "dailymotion.com" in f.url)
    frame.wait_for_function("Array.isArray(window.got)")
    return frame


def report_time(frame, seconds):
    frame.evaluate(f"parent.postMessage('event=timeupdate&time={seconds}&id=player', '*')")


def pauses(frame):
    return [m for m in frame.evaluate("window.got") if json.loads(m).get("command") == "pause"]


def test_a_dailymotion_range_plays_from_its_start_and_pauses_at_its_end(
    page, live_server, make_post
):
    post = make_post(body="https://dai.ly/x7tgad0\n\nThe reveal [1:23-1:45].")
    page.goto(live_server.url + post.get_absolute_url())
    assert page.requests.third_party == []
    page.route(
        "https://geo.dailymotion.com/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=FAKE_PLAYER),
    )
    page.get_by_role("link", name="Clip 1:23\u20131:45").click()
    frame = page.locator("iframe.video-player")
    frame.wait_for()
    assert frame.get_attribute("src") == (
        "https://geo.dailymotion.com/player.html?video=x7tgad0&startTime=83&autoplay=true"
        "&api=postMessage"
    )
    player = player_frame(page)
    report_time(player, 100.5)
    page.wait_for_timeout(200)
    assert pauses(player) == []
    report_time(player, 105.2)
    player.wait_for_function(
        "window.got.some(m => JSON.parse(m).command === 'pause')", timeout=5000
    )
    assert json.loads(pauses(player)[0]) == {"command": "pause", "parameters": []}


def test_a_time_report_from_another_window_does_not_pause_dailymotion(page, live_server, make_post):
    post = make_post(body="https://dai.ly/x7tgad0\n\nThe reveal [1:23-1:45].")
    page.goto(live_server.url + post.get_absolute_url())
    page.route(
        "https://geo.dailymotion.com/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=FAKE_PLAYER),
    )
    page.get_by_role("link", name="Clip 1:23\u20131:45").click()
    player = player_frame(page)
    page.evaluate("postMessage('event=timeupdate&time=200&id=player', '*')")
    page.wait_for_timeout(300)
    assert pauses(player) == []
