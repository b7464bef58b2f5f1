"""Stills and side by side in chromium: pressing a still plays its moment; one button starts
both videos of a pair (the later one after the offset); no axe violations; screenshots."""

import json
import os
from pathlib import Path

import pytest

from blog.models import Still
from tests.browser.test_accessibility import AXE_PATH, RUN_AXE, open_checked_page
from videos.services import video_get_or_create_from_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("CLOSER_SHOTS_DIR", "/tmp/shots_stills"))
YOUTUBE = "https://youtu.be/dQw4w9WgXcQ"
VIMEO = "https://vimeo.com/76979871"

# Stands in for a provider's player page: records every message our page posts to it.
FAKE_PLAYER = (
    "<!doctype html><title>player</title><script>"
    "window.got = []; addEventListener('message', function (e) { got.push(e.data); });"
    "</script>"
)


def fake_players(page):
    for pattern in ("https://www.youtube-nocookie.com/**", "https://player.vimeo.com/**"):
        page.route(
            pattern,
            lambda route: route.fulfill(status=200, content_type="text/html", body=FAKE_PLAYER),
        )


def player_frame(page, host):
    """Return the fake player's frame once it listens for messages."""
    page.wait_for_function(
        f"[...document.querySelectorAll('iframe')].some(f => f.src.includes('{host}'))"
    )
    for _ in range(100):  # the element is there; its frame attaches a moment later
        frame = next((f for f in page.frames if host in f.url), None)
        if frame is not None:
            break
        page.wait_for_timeout(100)
    frame.wait_for_function("Array.isArray(window.got)")
    return frame


def wait_for_message(frame, message):
    text = json.dumps(message, separators=(",", ":"))
    frame.wait_for_function(f"window.got.some(m => JSON.stringify(JSON.parse(m)) === {text!r})")


@pytest.fixture
def still(make_image):
    video, _ = video_get_or_create_from_url(url=YOUTUBE)
    video.title, video.artist, video.director, video.year = (
        "Closer",
        "Nine Inch Nails",
        "Mark Romanek",
        1994,
    )
    video.save()
    image = make_image(alt_text="A specimen jar on a shelf", color="#6b4f2a")
    return Still.objects.create(image=image, video=video, at_seconds=83, caption="The jar, again.")


def test_pressing_a_still_plays_the_video_from_that_moment(page, live_server, make_post, still):
    post = make_post(body=f"{YOUTUBE}\n\nThe cut comes later.\n\n[still:{still.pk}]")
    page.goto(live_server.url + post.get_absolute_url())
    assert page.requests.third_party == []
    fake_players(page)
    link = page.get_by_role("link", name="Play “Closer” from 1:23")
    assert link.get_attribute("href") == "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=83s"
    link.click()
    frame = page.locator("iframe.video-player")
    frame.wait_for()
    assert frame.get_attribute("src") == (
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&start=83&enablejsapi=1"
    )
    assert page.url.endswith(post.get_absolute_url())  # we stayed on the essay


def test_one_button_starts_both_videos_side_by_side(page, live_server, make_post):
    post = make_post(body=f"[compare: {YOUTUBE} | {VIMEO}]")
    page.goto(live_server.url + post.get_absolute_url())
    assert page.locator("iframe").count() == 0 and page.requests.third_party == []
    fake_players(page)
    page.get_by_role("button", name="Play both").click()
    youtube, vimeo = (
        player_frame(page, "youtube-nocookie.com"),
        player_frame(page, "player.vimeo.com"),
    )
    wait_for_message(youtube, {"event": "command", "func": "playVideo", "args": []})
    wait_for_message(vimeo, {"method": "play"})
    sources = page.locator("iframe.video-player").evaluate_all("frames => frames.map(f => f.src)")
    assert len(sources) == 2 and all("autoplay=1" in src for src in sources)


def test_the_offset_starts_the_second_video_later(page, live_server, make_post):
    post = make_post(body=f"[compare: {YOUTUBE} | {VIMEO} | offset=12]")
    page.clock.install()
    page.goto(live_server.url + post.get_absolute_url())
    assert page.get_by_text("The second starts 12 seconds after the first.").is_visible()
    fake_players(page)
    page.get_by_role("button", name="Play both").click()
    player_frame(page, "youtube-nocookie.com")
    page.clock.run_for(11_000)
    assert page.locator("iframe[src*='player.vimeo.com']").count() == 0
    page.clock.run_for(1_500)
    wait_for_message(player_frame(page, "player.vimeo.com"), {"method": "play"})


def test_without_javascript_each_video_of_a_pair_is_a_link(browser, live_server, make_post):
    post = make_post(body=f"[compare: {YOUTUBE} | {VIMEO}]")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + post.get_absolute_url())
    assert page.get_by_role("button", name="Play both").count() == 0  # hidden without its script
    hrefs = page.locator("a.video-facade").evaluate_all("links => links.map(a => a.href)")
    assert hrefs == ["https://www.youtube.com/watch?v=dQw4w9WgXcQ", VIMEO]
    context.close()


@pytest.mark.parametrize(
    "color_scheme,width", [("light", 1280), ("dark", 1280), ("light", 390), ("dark", 390)]
)
def test_stills_and_pairs_have_no_axe_violations(
    browser, live_server, make_post, still, color_scheme, width
):
    post = make_post(
        title="Closer, frame by frame",
        body=(
            f"{YOUTUBE}\n\nThe jar is the essay's hinge [0:42].\n\n[still:{still.pk}]\n\n"
            "Romanek's video quotes the Brothers Quay; here they are together.\n\n"
            f"[compare: {YOUTUBE} | {VIMEO} | offset=12]\n\n[still:999999]\n\nThe end."
        ),
    )
    context, page = open_checked_page(browser, live_server, color_scheme=color_scheme, width=width)
    try:
        page.goto(live_server.url + post.get_absolute_url())
        page.add_script_tag(url=live_server.url + AXE_PATH)
        violations = page.evaluate(RUN_AXE)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"post-{color_scheme}-{width}.png"), full_page=True)
    finally:
        context.close()
    assert violations == [] and page.problems == []
